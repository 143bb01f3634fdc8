using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The allocation-free dump (ForEachEntry) and the streamed Entries/DecodedEntries give what bpftool dumps from the same
/// kernel map, over several batches, per-CPU values, and the key-by-key fallback for types without batch lookup.
/// </summary>
[Collection(KernelCollection.Name)]
public class MapForEachEntryTests
{
    private static byte[] Hex(JsonElement array) => array.EnumerateArray().Select(e => Convert.ToByte(e.GetString()!, 16)).ToArray();

    private static List<(string Key, string Value)> Sorted(IEnumerable<(byte[] Key, byte[] Value)> entries) =>
        entries.Select(e => (Convert.ToHexString(e.Key), Convert.ToHexString(e.Value))).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();

    private static List<(string Key, string Value)> BpftoolDump(BpfMap map)
    {
        using var dump = Bpftool.Json("map", "dump", "id", map.Id!.Value.ToString());
        return Sorted(dump.RootElement.EnumerateArray().Select(e => (Hex(e.GetProperty("key")), Hex(e.GetProperty("value")))));
    }

    private static List<(byte[] Key, byte[] Value)> ViaForEach(BpfMap map, out long count)
    {
        var seen = new List<(byte[], byte[])>();
        count = map.ForEachEntry((k, v) => seen.Add((k.ToArray(), v.ToArray())));
        return seen;
    }

    [Fact]
    public void LargeHashDumpsLikeBpftoolOverSeveralBatches()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        obj.Load();
        var map = obj.Maps["exec_start"]; // hash u32 -> u64, 8192 entries: 8000 take two 4096-entry batches
        for (uint k = 0; k < 8000; k++) map.Update(BitConverter.GetBytes(k), BitConverter.GetBytes(k * 2654435761UL + 1));

        var expected = BpftoolDump(map);
        var viaForEach = ViaForEach(map, out long count);
        Assert.Equal(8000, count);
        Assert.Equal(expected, Sorted(viaForEach));
        Assert.Equal(expected, Sorted(map.Entries().Select(e => (e.Key, e.Value))));

        // Decoded through BTF from the batch buffers: u32 keys, u64 values, each key once.
        var decoded = map.DecodedEntries().ToList();
        Assert.Equal(8000, decoded.Select(kv => Convert.ToUInt32(kv.Key)).Distinct().Count());
        Assert.All(decoded, kv => Assert.Equal(Convert.ToUInt32(kv.Key) * 2654435761UL + 1, Convert.ToUInt64(kv.Value)));
    }

    [Fact]
    public void PerCpuValuesComeWithEverySlot()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_more"));
        obj.Load();
        var map = obj.Maps["pcpu_hash"];
        var value = new byte[BpfMapAccess.ValueBufferSize(map)];
        for (uint k = 0; k < 16; k++)
        {
            for (int c = 0; c < value.Length / 8; c++) BitConverter.GetBytes(k * 100 + (ulong)c).CopyTo(value, c * 8);
            map.Update(BitConverter.GetBytes(k), value);
        }

        var viaForEach = ViaForEach(map, out long count);
        Assert.Equal(16, count);
        Assert.All(viaForEach, e => Assert.Equal(value.Length, e.Value.Length));
        Assert.Equal(Sorted(map.Keys().Select(k => (k, map.Lookup(k)!))), Sorted(viaForEach));
    }

    [Fact]
    public void TypesWithoutBatchLookupGoKeyByKey()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_more"));
        obj.Load();
        var map = obj.Maps["dev_hash"]; // devmap hash u32 -> ifindex: the kernel has no batch lookup for it
        Assert.Null(BpfMapAccess.BatchEntries(map));
        for (uint k = 0; k < 4; k++) map.Update(BitConverter.GetBytes(k * 7), BitConverter.GetBytes(1u)); // ifindex 1: lo, in every netns

        var viaForEach = ViaForEach(map, out long count);
        Assert.Equal(4, count);
        Assert.Equal(BpftoolDump(map), Sorted(viaForEach));
    }

    [Fact]
    public void EmptyMapCallsNothingAndQueuesHaveNoKeys()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_more"));
        obj.Load();
        Assert.Equal(0, obj.Maps["lru_pcpu"].ForEachEntry((_, _) => throw new InvalidOperationException("called for an empty map")));

        // The maps fixture pins one map by name: give it a pin root of its own, removed afterwards.
        string root = Path.Combine("/sys/fs/bpf", "psbpf-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        try
        {
            using var maps = BpfObject.Open(Fixtures.Object("maps"));
            maps.Load(new BpfLoadOptions { PinRoot = root });
            var queue = maps.Maps.First(m => m.Type == BpfMapType.queue);
            var e = Assert.Throws<InvalidOperationException>(() => queue.ForEachEntry((_, _) => { }));
            Assert.Contains(queue.Name, e.Message);
        }
        finally
        {
            foreach (var f in Directory.EnumerateFiles(root)) File.Delete(f);
            Directory.Delete(root);
        }
    }

    [Fact]
    public void NotLoadedMapSaysSo()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        Assert.Throws<BpfNotLoadedException>(() => obj.Maps["exec_start"].ForEachEntry((_, _) => { }));
    }
}
