using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The opened model is not written while a load or a verification runs (they work on a copy); only a load that
/// succeeds reports the kernel's view (created sizes, the pin root, AutoLoad after struct_ops matching).
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class LoadPlanTests : IDisposable
{
    private readonly string _root = Path.Combine("/sys/fs/bpf", "psbpf-plan-" + Guid.NewGuid().ToString("N")[..12]);

    public LoadPlanTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_root)) File.Delete(f);
        Directory.Delete(_root);
    }

    /// <summary>What a user can read of the definitions: programs, maps with their contents, BTF function linkage.</summary>
    private static string Model(BpfObject obj)
    {
        var lines = new List<string>();
        lines.AddRange(obj.Programs.Concat(obj.Subprograms).Select(p => $"prog {p.Name} autoload={p.AutoLoad} type={p.Type} id={p.Id} member={p.StructOpsMember}"));
        lines.AddRange(obj.Maps.Select(m => $"map {m.Name} max={m.MaxEntries} value={m.ValueSize} flags={m.Flags} pin={m.PinPath} id={m.Id} " +
            $"data={(m.GetInitialData() is { } d ? Convert.ToHexString(d) : "-")} ops={string.Join(',', m.StructOpsPrograms.Select(p => p.Key + "=" + p.Value))}"));
        if (obj.Btf is { } btf)
        {
            for (uint id = 1; id < btf.Count; id++)
            {
                if (btf[id] is BtfFunc f) lines.Add($"func {f.Name} {f.Linkage}");
            }
        }

        return string.Join('\n', lines);
    }

    [Theory]
    [InlineData("perfbuf")]     // perf event array with max_entries 0: one slot per CPU is the load's business
    [InlineData("kconfig")]     // .kconfig contents resolved from the running kernel
    [InlineData("struct_ops")]  // value size and members matched with the kernel's struct
    [InlineData("pinned")]      // pin path under the pin root
    public void Verification_leaves_the_opened_model_as_it_was(string name)
    {
        using var obj = BpfObject.Open(Fixtures.Object(name));
        string before = Model(obj);
        int handles = KernelObjects.BpfHandles();
        var rows = BpfVerification.Verify(obj, null, new BpfLoadOptions { PinRoot = _root });
        Assert.NotEmpty(rows);
        Assert.Equal(before, Model(obj));
        Assert.Equal(handles, KernelObjects.BpfHandles());
        Assert.Empty(Directory.EnumerateFiles(_root));
    }

    [Fact]
    public void A_failed_load_leaves_the_opened_model_as_it_was_and_nothing_in_the_kernel()
    {
        int handles = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("struct_ops_link")))
        {
            obj.Programs["psbpf_unused"].AutoLoad = true; // refused: no struct_ops map member uses it
            string before = Model(obj);
            Assert.Throws<BpfLoadException>(() => obj.Load());
            Assert.Equal(before, Model(obj));
            Assert.True(obj.Programs["psbpf_spare_init"].AutoLoad); // as opened: the struct_ops adjustment belongs to a load that succeeds
        }

        using (var obj = BpfObject.Open(Fixtures.Object("pinned")))
        {
            string before = Model(obj);
            var e = Assert.Throws<BpfLoadException>(() => obj.Load(new BpfLoadOptions { PinRoot = Path.Combine(_root, "missing") }));
            Assert.Contains("does not exist", e.Message);
            Assert.Equal(before, Model(obj));
            Assert.Equal("/sys/fs/bpf/psbpf_shared", obj.Maps["psbpf_shared"].PinPath);
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_successful_load_reports_what_the_kernel_map_was_created_with()
    {
        using (var obj = BpfObject.Open(Fixtures.Object("perfbuf")))
        {
            Assert.Equal(0u, obj.Maps["events"].MaxEntries);
            obj.Load();
            uint possible = uint.Parse(File.ReadAllText("/sys/devices/system/cpu/possible").Trim().Split(',', '-')[^1]) + 1;
            Assert.Equal(possible, obj.Maps["events"].MaxEntries); // libbpf: one slot per possible CPU
        }

        using (var obj = BpfObject.Open(Fixtures.Object("pinned")))
        {
            obj.Load(new BpfLoadOptions { PinRoot = _root });
            Assert.Equal(Path.Combine(_root, "psbpf_shared"), obj.Maps["psbpf_shared"].PinPath);
            Assert.Equal([Path.Combine(_root, "psbpf_shared")], obj.Unpin());
        }
    }

    [Fact]
    public void A_pin_path_set_on_the_map_wins_over_the_pin_root()
    {
        // libbpf: bpf_map__set_pin_path replaces the by-name default; pin_root_path only builds that default
        var custom = Path.Combine(_root, "custom_name");
        using var obj = BpfObject.Open(Fixtures.Object("pinned"));
        obj.Maps["psbpf_shared"].PinPath = custom;
        obj.Load(new BpfLoadOptions { PinRoot = "/sys/fs/bpf/psbpf-no-such-root" });
        Assert.Equal(custom, obj.Maps["psbpf_shared"].PinPath);
        Assert.True(File.Exists(custom));
        Assert.Equal([custom], obj.Unpin());
    }
}
