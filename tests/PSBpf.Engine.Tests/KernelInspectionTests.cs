using System.Text.Json;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Kernel-wide inspection against bpftool, the reference for <c>prog/map/link show</c>: for the objects these tests
/// load, every field both report must agree (bpftool 7.1 here: it names link types it knows and prints "pids").
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class KernelInspectionTests
{
    private static Dictionary<uint, JsonElement> ById(JsonDocument doc) =>
        doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetUInt32(), e => e.Clone());

    /// <summary>
    /// <c>bpftool -j &lt;kind&gt; show id N</c>. One object at a time on purpose: bpftool 7.1's listing reuses one info
    /// struct for every object without clearing it, so a map without BTF shows the btf_id of the map listed before it.
    /// </summary>
    private static JsonElement Show(string kind, uint id)
    {
        using var doc = Bpftool.Json(kind, "show", "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// bpftool's type name equals our enum member name. bpftool 7.1 prints a number for types newer than it
    /// (cgrp_storage, arena, …); then the number must be our value, and the name is current libbpf's (libbpf_bpf_map_type_str).
    /// </summary>
    private static void AssertTypeName<T>(JsonElement type, T ours)
        where T : struct, Enum
    {
        if (type.ValueKind == JsonValueKind.Number) Assert.Equal(type.GetUInt32(), Convert.ToUInt32(ours, System.Globalization.CultureInfo.InvariantCulture));
        else Assert.Equal(type.GetString(), ours.ToString());
    }

    /// <summary>bpftool lists "pids" only when it was built with its BPF skeletons; then our process must be among them.</summary>
    private static void AssertPidsAgree(JsonElement b, BpfProcessRef[] ours)
    {
        Assert.Contains(ours, x => x.Pid == Environment.ProcessId);
        if (b.TryGetProperty("pids", out var pids))
        {
            Assert.Contains(Environment.ProcessId, pids.EnumerateArray().Select(x => x.GetProperty("pid").GetInt32()));
        }
    }

    [Theory]
    [InlineData("calls")]
    [InlineData("bootstrap")]
    public void Programs_match_bpftool_prog_show(string fixture)
    {
        using var obj = BpfObject.Open(Fixtures.Object(fixture));
        obj.Load();
        var ids = obj.Programs.Where(p => p.AutoLoad).Select(p => p.Id!.Value).ToList();

        var ours = BpfInspection.GetPrograms().ToDictionary(p => p.Id);
        using var doc = Bpftool.Json("prog", "show");
        var listed = ById(doc);
        foreach (var id in ids)
        {
            var p = ours[id];
            Assert.True(listed.ContainsKey(id));
            var b = Show("prog", id);
            AssertTypeName(b.GetProperty("type"), p.Type);
            // bpftool completes names the kernel cut at 15 characters from the program's BTF; the kernel's name is its prefix.
            Assert.StartsWith(p.Name, b.GetProperty("name").GetString()!, StringComparison.Ordinal);
            Assert.Equal(obj.Programs.Single(x => x.Id == id).Name[..Math.Min(15, obj.Programs.Single(x => x.Id == id).Name.Length)], p.Name);
            Assert.Equal(b.GetProperty("tag").GetString(), p.Tag);
            Assert.Equal(obj.Programs.Single(x => x.Id == id).Tag, p.Tag);
            Assert.Equal(b.GetProperty("gpl_compatible").GetBoolean(), p.GplCompatible);
            Assert.Equal(b.GetProperty("uid").GetUInt32(), p.Uid);
            Assert.Equal(b.GetProperty("bytes_xlated").GetUInt32(), p.XlatedSize);
            Assert.Equal(b.GetProperty("jited").GetBoolean(), p.Jited);
            if (p.Jited) Assert.Equal(b.GetProperty("bytes_jited").GetUInt32(), p.JitedSize);
            Assert.Equal(b.GetProperty("bytes_memlock").GetUInt64(), p.MemLock);
            Assert.Equal(
                b.TryGetProperty("map_ids", out var mapIds) ? mapIds.EnumerateArray().Select(m => m.GetUInt32()).Order().ToArray() : [],
                p.MapIds.Order().ToArray());
            Assert.Equal(b.TryGetProperty("btf_id", out var btf) ? btf.GetUInt32() : 0u, p.BtfId);
            long loadedAt = b.GetProperty("loaded_at").GetInt64(); // Unix seconds
            Assert.InRange(new DateTimeOffset(p.LoadedAt).ToUnixTimeSeconds(), loadedAt - 2, loadedAt + 2);
            AssertPidsAgree(b, p.Pids);
            Assert.True(p.VerifiedInstructions > 0);
        }
    }

    [Theory]
    [InlineData("calls")]
    [InlineData("bootstrap")]
    [InlineData("maps_more")]
    public void Maps_match_bpftool_map_show(string fixture)
    {
        using var obj = BpfObject.Open(Fixtures.Object(fixture));
        obj.Load();
        obj.Unpin();
        var ours = BpfInspection.GetMaps().ToDictionary(m => m.Id);
        using var doc = Bpftool.Json("map", "show");
        var listed = ById(doc);
        Assert.NotEmpty(obj.Maps);
        foreach (var map in obj.Maps)
        {
            var m = ours[map.Id!.Value];
            Assert.True(listed.ContainsKey(m.Id));
            var b = Show("map", m.Id);
            AssertTypeName(b.GetProperty("type"), m.Type);
            Assert.Equal(b.GetProperty("name").GetString(), m.Name);
            Assert.Equal(b.GetProperty("flags").GetUInt32(), m.Flags);
            Assert.Equal(b.GetProperty("bytes_key").GetUInt32(), m.KeySize);
            Assert.Equal(b.GetProperty("bytes_value").GetUInt32(), m.ValueSize);
            Assert.Equal(b.GetProperty("max_entries").GetUInt32(), m.MaxEntries);
            Assert.Equal(b.GetProperty("bytes_memlock").GetUInt64(), m.MemLock);
            Assert.Equal(b.TryGetProperty("btf_id", out var btf) ? btf.GetUInt32() : 0u, m.BtfId);
            Assert.Equal(b.TryGetProperty("frozen", out var frozen) && frozen.GetInt32() != 0, m.Frozen);
            Assert.Equal((map.Type, map.KeySize, map.ValueSize, map.MaxEntries), (m.Type, m.KeySize, m.ValueSize, m.MaxEntries));
            AssertPidsAgree(b, m.Pids);
        }

        // .rodata is frozen after load; the inspection must say so.
        Assert.All(obj.Maps.Where(x => x.IsReadOnly), x => Assert.True(ours[x.Id!.Value].Frozen));
    }

    [Fact]
    public void A_tracepoint_link_matches_bpftool_link_show()
    {
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        obj.Load();
        var program = obj.Programs["handle_tp"];
        using var link = program.Attach();

        var ours = BpfInspection.GetLinks().Where(l => l.ProgramId == program.Id).ToList();
        var l = Assert.Single(ours);
        using var doc = Bpftool.Json("link", "show");
        Assert.True(ById(doc).ContainsKey(l.Id));
        var b = Show("link", l.Id);
        AssertTypeName(b.GetProperty("type"), l.Type);
        Assert.Equal(BpfLinkType.perf_event, l.Type);
        Assert.Equal(b.GetProperty("prog_id").GetUInt32(), l.ProgramId);
        // Kernels since 6.6 describe perf_event links; bpftool 7.1 predates that, so the name is checked against the SEC().
        if (Environment.OSVersion.Version >= new Version(6, 6))
        {
            Assert.Equal(BpfPerfEventType.tracepoint, l.PerfEventType);
            Assert.Equal("sys_enter_write", l.TracepointName);
            Assert.Equal("tracepoint sys_enter_write", l.Target);
        }

        AssertPidsAgree(b, l.Pids);
        Assert.Equal(l, BpfInspection.GetLink(l.Id)! with { Pids = l.Pids, PinnedPaths = l.PinnedPaths }); // arrays compare by reference

        link.Dispose();
        Assert.Null(BpfInspection.GetLink(l.Id));
    }

    [Fact]
    public void Lookups_by_id_and_vanished_objects()
    {
        uint progId, mapId;
        using (var obj = BpfObject.Open(Fixtures.Object("calls")))
        {
            obj.Load();
            progId = obj.Programs.First(p => p.AutoLoad).Id!.Value;
            mapId = obj.Maps["results"].Id!.Value;
            var p = BpfInspection.GetProgram(progId);
            Assert.NotNull(p);
            Assert.Equal(obj.Programs.First(p => p.AutoLoad).Tag, p!.Tag);
            Assert.Equal("results", BpfInspection.GetMap(mapId)!.Name);
            Assert.Contains(mapId, p.MapIds);

            var many = BpfInspection.GetMaps([mapId, 0xfffffff0u, mapId], includePids: false, includePinnedPaths: false);
            Assert.Equal(2, many.Count); // distinct ids, in order
            Assert.Equal("results", many[0].Info!.Name);
            Assert.Null(many[1].Info); // no such id

            using var byId = BpfKernelProgram.Open(progId);
            Assert.Equal(p.Tag, byId.Info.Tag);
            using var mapById = BpfKernelMap.Open(mapId);
            Assert.Equal(BpfMapType.array, mapById.Info.Type);
        }

        // Everything of the object is gone: ids no longer resolve, and listings skip them. The kernel frees programs and
        // maps after an RCU grace period, so their ids can linger for a moment after the last fd is closed.
        for (int i = 0; i < 100 && (BpfInspection.GetProgram(progId) is not null || BpfInspection.GetMap(mapId) is not null); i++) Thread.Sleep(50);
        Assert.Null(BpfInspection.GetProgram(progId));
        Assert.Null(BpfInspection.GetMap(mapId));
        Assert.DoesNotContain(BpfInspection.GetPrograms(includePids: false), p => p.Id == progId);
        Assert.DoesNotContain(BpfInspection.GetMaps(includePids: false), m => m.Id == mapId);
        Assert.Throws<BpfKernelObjectNotFoundException>(() => BpfKernelProgram.Open(progId));
    }

    [Fact]
    public void Pinned_programs_and_maps_open_by_path()
    {
        var dir = Path.Combine("/sys/fs/bpf", $"psbpf-inspect-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            using var obj = BpfObject.Open(Fixtures.Object("calls"));
            obj.Load();
            var program = obj.Programs.First(p => p.AutoLoad);
            var progPin = Path.Combine(dir, "prog");
            var mapPin = Path.Combine(dir, "map");
            Bpf.ObjPin(program.Fd!, progPin);
            Bpf.ObjPin(obj.Maps["results"].Fd!, mapPin);

            using (var p = BpfKernelProgram.OpenPinned(progPin))
            {
                Assert.Equal(program.Id, p.Info.Id);
            }

            using (var m = BpfKernelMap.OpenPinned(mapPin))
            {
                Assert.Equal(obj.Maps["results"].Id, m.Info.Id);
            }

            // PinnedPaths against bpftool -f, which walks the bpffs mounts the same way.
            var progInfo = BpfInspection.GetProgram(program.Id!.Value)!;
            var mapInfo = BpfInspection.GetMap(obj.Maps["results"].Id!.Value)!;
            Assert.Contains(progPin, progInfo.PinnedPaths);
            Assert.Contains(mapPin, mapInfo.PinnedPaths);
            Assert.Equal(BpftoolPins("prog", progInfo.Id), progInfo.PinnedPaths.Order(StringComparer.Ordinal));
            Assert.Equal(BpftoolPins("map", mapInfo.Id), mapInfo.PinnedPaths.Order(StringComparer.Ordinal));

            Assert.Throws<InvalidOperationException>(() => BpfKernelMap.OpenPinned(progPin));
            Assert.Throws<InvalidOperationException>(() => BpfKernelProgram.OpenPinned(mapPin));
            var missing = Assert.Throws<BpfKernelObjectNotFoundException>(() => BpfKernelMap.OpenPinned(Path.Combine(dir, "nothing"))); // not a dotted name: bpffs refuses those with EPERM;
            Assert.Equal((BpfKernelObjectKind.Map, Path.Combine(dir, "nothing")), (missing.Kind, missing.PinnedPath));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IEnumerable<string> BpftoolPins(string kind, uint id)
    {
        using var doc = Bpftool.Json("-f", kind, "show", "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return doc.RootElement.TryGetProperty("pinned", out var pinned)
            ? pinned.EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    [Fact]
    public void Listing_leaves_no_fds_open()
    {
        using var obj = BpfObject.Open(Fixtures.Object("calls"));
        obj.Load();
        int before = KernelObjects.BpfHandles();
        _ = BpfInspection.GetPrograms();
        _ = BpfInspection.GetMaps();
        _ = BpfInspection.GetLinks();
        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
