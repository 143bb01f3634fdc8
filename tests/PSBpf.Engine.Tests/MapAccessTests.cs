using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>Raw map element access, checked against bpftool's dump of the same kernel map.</summary>
[Collection(KernelCollection.Name)]
public class MapAccessTests
{
    private static byte[] Hex(JsonElement array) => array.EnumerateArray().Select(e => Convert.ToByte(e.GetString()!, 16)).ToArray();

    private static byte[] U32(uint v) => BitConverter.GetBytes(v);

    private static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    [Fact]
    public void HashMapUpdateLookupDeleteAndIterationMatchBpftool()
    {
        using var obj = BpfObject.Open(Fixtures.Object("calls"));
        obj.Load();
        var map = obj.Maps["results"]; // array u32 -> u64, 4 entries
        map.Update(U32(2), U64(0x1122334455667788));
        Assert.Equal(U64(0x1122334455667788), map.Lookup(U32(2)));
        Assert.Equal(U64(0), map.Lookup(U32(1)));
        Assert.Null(map.Lookup(U32(9)));
        Assert.Throws<BpfSyscallException>(() => map.Update(U32(9), U64(1))); // out of range for an array

        using var dump = Bpftool.Json("map", "dump", "id", map.Id!.Value.ToString());
        var expected = dump.RootElement.EnumerateArray().Select(e => (Hex(e.GetProperty("key")), Hex(e.GetProperty("value")))).ToList();
        var actual = map.Entries().Select(e => (e.Key, e.Value)).ToList();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var ((ek, ev), (ak, av)) in expected.Zip(actual))
        {
            Assert.Equal(ek, ak);
            Assert.Equal(ev, av);
        }
    }

    [Fact]
    public void HashMapFlagsAndDelete()
    {
        var root = Path.Combine("/sys/fs/bpf", "psbpf-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        try
        {
            using var obj = BpfObject.Open(Fixtures.Object("pinned"));
            obj.Load(new BpfLoadOptions { PinRoot = root });
            var map = obj.Maps["psbpf_shared"]; // hash u32 -> u64
            map.Update(U32(1), U64(10), BpfUpdateFlags.NoExist);
            var e = Assert.Throws<BpfSyscallException>(() => map.Update(U32(1), U64(11), BpfUpdateFlags.NoExist));
            Assert.Equal("EEXIST", e.ErrorName);
            Assert.Throws<BpfSyscallException>(() => map.Update(U32(2), U64(11), BpfUpdateFlags.Exist));
            map.Update(U32(2), U64(20));
            Assert.Equal(new[] { 1u, 2u }, map.Keys().Select(k => BitConverter.ToUInt32(k)).Order());
            Assert.True(map.Delete(U32(1)));
            Assert.False(map.Delete(U32(1)));
            Assert.Single(map.Entries());
            var bad = Assert.Throws<ArgumentException>(() => map.Lookup(new byte[3]));
            Assert.Contains("keys of 4 bytes", bad.Message);
            obj.Unpin();
        }
        finally
        {
            foreach (var f in Directory.EnumerateFiles(root)) File.Delete(f);
            Directory.Delete(root);
        }
    }

    [Fact]
    public void PerCpuValuesHaveOneSlotPerPossibleCpu()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_more"));
        obj.Load();
        var map = obj.Maps["pcpu_hash"]; // percpu hash u32 -> u64
        int cpus = BpfMapAccess.ValueBufferSize(map) / 8;
        var value = new byte[cpus * 8];
        for (int c = 0; c < cpus; c++) BitConverter.GetBytes((ulong)(100 + c)).CopyTo(value, c * 8);
        map.Update(U32(5), value);
        using var dump = Bpftool.Json("map", "dump", "id", map.Id!.Value.ToString());
        var entry = dump.RootElement.EnumerateArray().Single();
        var perCpu = entry.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(cpus, perCpu.Count);
        for (int c = 0; c < cpus; c++)
        {
            Assert.Equal(c, perCpu[c].GetProperty("cpu").GetInt32());
            Assert.Equal(value.AsSpan(c * 8, 8).ToArray(), Hex(perCpu[c].GetProperty("value")));
        }
    }

    [Fact]
    public void AccessBeforeLoadIsAClearError()
    {
        using var obj = BpfObject.Open(Fixtures.Object("calls"));
        var e = Assert.Throws<BpfNotLoadedException>(() => obj.Maps["results"].Lookup(U32(0)));
        Assert.Contains("not loaded", e.Message);
    }
}

/// <summary>Queues and stacks (push/pop/peek), lookup-and-delete, freeze.</summary>
[Collection(KernelCollection.Name)]
public sealed class MapOperationTests : IDisposable
{
    private readonly LoadedFixture _maps = new("maps", "psbpf-test-", 12);

    private BpfObject Obj => _maps.Object;

    public void Dispose() => _maps.Dispose();

    private static byte[] Value(BpfMap map, int v)
    {
        var b = new byte[map.ValueSize];
        BitConverter.GetBytes(v).AsSpan(0, Math.Min(4, b.Length)).CopyTo(b);
        return b;
    }

    [Fact]
    public void QueueIsFirstInFirstOutAndPeekMatchesBpftool()
    {
        var q = Obj.Maps["fifo"];
        foreach (var v in new[] { 1, 2, 3 }) q.Push(Value(q, v));
        using (var peek = Bpftool.Json("map", "peek", "id", q.Id!.Value.ToString()))
        {
            var bytes = peek.RootElement.GetProperty("value").EnumerateArray().Select(e => Convert.ToByte(e.GetString()!, 16)).ToArray();
            Assert.Equal(q.Peek(), bytes);
        }

        Assert.Equal(Value(q, 1), q.Pop());
        Assert.Equal(Value(q, 2), q.Pop());
        Assert.Equal(Value(q, 3), q.Pop());
        Assert.Null(q.Pop());
        Assert.Null(q.Peek());
        Assert.Throws<InvalidOperationException>(() => q.Keys().ToList());
    }

    [Fact]
    public void StackIsLastInFirstOut()
    {
        var s = Obj.Maps["lifo"];
        foreach (var v in new[] { 1, 2, 3 }) s.Push(Value(s, v));
        Assert.Equal(Value(s, 3), s.Pop());
        Assert.Equal(Value(s, 2), s.Peek());
        Assert.Throws<InvalidOperationException>(() => Obj.Maps["recent"].Push(new byte[8]));
    }

    [Fact]
    public void LookupAndDeleteTakesTheEntry()
    {
        var m = Obj.Maps["recent"]; // lru_hash u32 -> u64
        m.Update(BitConverter.GetBytes(7u), BitConverter.GetBytes(70UL));
        Assert.Equal(BitConverter.GetBytes(70UL), m.LookupAndDelete(BitConverter.GetBytes(7u)));
        Assert.Null(m.Lookup(BitConverter.GetBytes(7u)));
        Assert.Null(m.LookupAndDelete(BitConverter.GetBytes(7u)));
    }

    [Fact]
    public void FrozenMapRefusesUserSpaceWrites()
    {
        var m = Obj.Maps["recent"];
        m.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes(10UL));
        m.Freeze();
        var e = Assert.Throws<BpfSyscallException>(() => m.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes(11UL)));
        Assert.Equal("EPERM", e.ErrorName);
        Assert.Equal(BitConverter.GetBytes(10UL), m.Lookup(BitConverter.GetBytes(1u))); // reads still work
        using var show = Bpftool.Json("map", "show", "id", m.Id!.Value.ToString());
        Assert.Equal(1, show.RootElement.GetProperty("frozen").GetInt32());
    }
}

/// <summary>Whole-map dumps use BPF_MAP_LOOKUP_BATCH and give exactly what key-by-key iteration gives.</summary>
[Collection(KernelCollection.Name)]
public class MapBatchTests
{
    private static List<(string Key, string Value)> KeyByKey(BpfMap map) =>
        map.Keys().Select(k => (Convert.ToHexString(k), Convert.ToHexString(map.Lookup(k)!))).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("maps_more", "pcpu_hash", 16)]
    [InlineData("maps_more", "lru_pcpu", 16)]
    [InlineData("calls", "results", 4)]
    public void BatchDumpEqualsKeyByKey(string fixture, string mapName, int entries)
    {
        using var obj = BpfObject.Open(Fixtures.Object(fixture));
        obj.Load();
        var map = obj.Maps[mapName];
        var value = new byte[BpfMapAccess.ValueBufferSize(map)];
        for (uint k = 0; k < entries; k++)
        {
            BitConverter.GetBytes(k * 1000 + 1).CopyTo(value, 0);
            map.Update(BitConverter.GetBytes(k), value);
        }

        var batch = BpfMapAccess.BatchEntries(map);
        Assert.NotNull(batch); // this kernel batches these types
        var viaBatch = batch!.Select(e => (Convert.ToHexString(e.Key), Convert.ToHexString(e.Value))).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal(KeyByKey(map), viaBatch);
        Assert.Equal(entries, viaBatch.Count);
    }

    [Fact]
    public void LargeHashNeedsSeveralBatches()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        obj.Load();
        var map = obj.Maps["exec_start"]; // hash, 8192 entries: 8000 need several 4096-entry batches
        for (uint k = 0; k < 8000; k++) map.Update(BitConverter.GetBytes(k), BitConverter.GetBytes((ulong)k * 3));
        var entries = map.Entries().ToList();
        Assert.Equal(8000, entries.Select(e => BitConverter.ToUInt32(e.Key)).Distinct().Count());
        Assert.All(entries, e => Assert.Equal((ulong)BitConverter.ToUInt32(e.Key) * 3, BitConverter.ToUInt64(e.Value)));
        Assert.Equal(KeyByKey(map).Count, entries.Count);
    }
}
