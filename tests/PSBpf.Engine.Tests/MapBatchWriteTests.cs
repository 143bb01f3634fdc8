namespace PSBpf.Engine.Tests;

/// <summary>
/// BPF_MAP_UPDATE_BATCH / BPF_MAP_DELETE_BATCH and their per-element fallback: the map afterwards equals bpftool's dump,
/// both paths leave the same contents and report the same failing element.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class MapBatchWriteTests : IDisposable
{
    private readonly LoadedFixture _maps = new("maps", "psbpf-maps-batch-");

    private BpfObject Obj => _maps.Object;

    public void Dispose() => _maps.Dispose();

    private static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    private static byte[] U32(uint v) => BitConverter.GetBytes(v);

    /// <summary>bpftool's raw dump as hex key → hex value, sorted by key.</summary>
    private static List<(string Key, string Value)> BpftoolDump(BpfMap map)
    {
        using var dump = Bpftool.Json("map", "dump", "id", map.Id!.Value.ToString());
        return dump.RootElement.EnumerateArray()
            .Select(e => (Hex(e.GetProperty("key")), Hex(e.GetProperty("value"))))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();

        static string Hex(System.Text.Json.JsonElement a) => string.Concat(a.EnumerateArray().Select(b => b.GetString()!.Substring(2).ToUpperInvariant()));
    }

    private static List<(string Key, string Value)> Expected(IEnumerable<(byte[] K, byte[] V)> entries) =>
        entries.Select(e => (Convert.ToHexString(e.K), Convert.ToHexString(e.V))).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData(BpfBatchMode.Auto)]
    [InlineData(BpfBatchMode.PerElement)]
    public void UpdateBatchStoresEveryElementLikeBpftoolSeesIt(BpfBatchMode mode)
    {
        var map = Obj.Maps["numa_hash"]; // hash u64 -> u64, 128 entries
        var keys = Enumerable.Range(0, 100).Select(i => U64((ulong)i * 7919)).ToList();
        var values = Enumerable.Range(0, 100).Select(i => U64(0xABCD0000UL + (ulong)i)).ToList();
        Assert.Equal(100, map.UpdateBatch(keys, values, BpfUpdateFlags.Any, mode));
        Assert.Equal(Expected(keys.Zip(values)), BpftoolDump(map));
        Assert.False(BpfMapAccess.KnownWithoutBatch(BpfMapType.hash, delete: false)); // the hash map took the batch path

        // replace-only over existing keys works the same
        var doubled = values.Select(v => U64(BitConverter.ToUInt64(v) * 2)).ToList();
        map.UpdateBatch(keys, doubled, BpfUpdateFlags.Exist, mode);
        Assert.Equal(Expected(keys.Zip(doubled)), BpftoolDump(map));
    }

    [Theory]
    [InlineData(BpfBatchMode.Auto)]
    [InlineData(BpfBatchMode.PerElement)]
    public void PartialUpdateFailureNamesTheKeyAndKeepsWhatWentBefore(BpfBatchMode mode)
    {
        var map = Obj.Maps["numa_hash"];
        map.Update(U64(3), U64(333));
        var keys = Enumerable.Range(0, 6).Select(i => U64((ulong)i)).ToList();
        var values = keys.Select(k => U64(BitConverter.ToUInt64(k) + 100)).ToList();
        var e = Assert.Throws<BpfMapBatchException>(() => map.UpdateBatch(keys, values, BpfUpdateFlags.NoExist, mode));
        Assert.Equal(3, e.FailedIndex);
        Assert.Equal(U64(3), e.FailedKey);
        Assert.Equal("EEXIST", e.ErrorName);
        Assert.Contains("numa_hash", e.Message);
        Assert.Contains(Convert.ToHexString(U64(3)), e.Message);

        // 0..2 stored, 3 untouched, 4 and 5 never tried
        var expected = keys.Take(3).Zip(values.Take(3)).Append((U64(3), U64(333)));
        Assert.Equal(Expected(expected), BpftoolDump(map));
    }

    [Theory]
    [InlineData(BpfBatchMode.Auto)]
    [InlineData(BpfBatchMode.PerElement)]
    public void AFullMapStopsTheBatchAtTheFirstKeyThatDoesNotFit(BpfBatchMode mode)
    {
        var map = Obj.Maps["numa_hash"]; // 128 entries, preallocated: the 129th insert fails with E2BIG
        var keys = Enumerable.Range(0, 130).Select(i => U64((ulong)i + 1000)).ToList();
        var values = keys.Select(k => U64(BitConverter.ToUInt64(k) ^ 0xFF)).ToList();
        var e = Assert.Throws<BpfMapBatchException>(() => map.UpdateBatch(keys, values, BpfUpdateFlags.Any, mode));
        Assert.Equal((128, "E2BIG"), (e.FailedIndex, e.ErrorName));
        Assert.Equal(keys[128], e.FailedKey);
        Assert.Equal(Expected(keys.Take(128).Zip(values.Take(128))), BpftoolDump(map));
    }

    [Theory]
    [InlineData(BpfBatchMode.Auto)]
    [InlineData(BpfBatchMode.PerElement)]
    public void DeleteBatchRemovesKeysAndStopsAtAMissingOne(BpfBatchMode mode)
    {
        var map = Obj.Maps["numa_hash"];
        var keys = Enumerable.Range(1, 40).Select(i => U64((ulong)i)).ToList();
        map.UpdateBatch(keys, keys.Select(k => U64(BitConverter.ToUInt64(k) * 10)).ToList());
        Assert.Equal(20, map.DeleteBatch(keys.Take(20).ToList(), mode));
        Assert.Equal(Expected(keys.Skip(20).Select(k => (k, U64(BitConverter.ToUInt64(k) * 10)))), BpftoolDump(map));

        // keys 21, 22, then 5 (already gone), then 23: the batch stops at 5, after deleting 21 and 22
        var e = Assert.Throws<BpfMapBatchException>(() => map.DeleteBatch([U64(21), U64(22), U64(5), U64(23)], mode));
        Assert.Equal((2, "ENOENT"), (e.FailedIndex, e.ErrorName));
        Assert.Equal(U64(5), e.FailedKey);
        Assert.Equal(Expected(keys.Skip(22).Select(k => (k, U64(BitConverter.ToUInt64(k) * 10)))), BpftoolDump(map));
        Assert.False(BpfMapAccess.KnownWithoutBatch(BpfMapType.hash, delete: true));
    }

    [Fact]
    public void ArraysHaveNoBatchDeleteAndTheFallbackReportsTheKernelsAnswer()
    {
        var map = Obj.Maps["shared_stats"]; // array
        var e = Assert.Throws<BpfMapBatchException>(() => map.DeleteBatch([U32(0)]));
        Assert.True(BpfMapAccess.KnownWithoutBatch(BpfMapType.array, delete: true)); // ENOTSUPP from BPF_MAP_DELETE_BATCH, remembered
        Assert.Equal((0, "EINVAL"), (e.FailedIndex, e.ErrorName)); // what BPF_MAP_DELETE_ELEM says for arrays
        Assert.Equal("BPF_MAP_DELETE_ELEM", e.Operation.Split(' ')[0]);
    }

    [Fact]
    public void MapTypesWithoutBatchUpdateFallBackPerElement()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_more"));
        obj.Load();
        var map = obj.Maps["dev_hash"]; // devmap_hash: u32 -> ifindex; the kernel has no batch ops for it
        var keys = new List<byte[]> { U32(10), U32(20), U32(30) };
        var values = keys.Select(_ => U32(1)).ToList(); // ifindex 1: lo
        Assert.Equal(3, map.UpdateBatch(keys, values));
        Assert.True(BpfMapAccess.KnownWithoutBatch(BpfMapType.devmap_hash, delete: false));
        Assert.Equal(Expected(keys.Zip(values)), BpftoolDump(map));
        Assert.Equal(3, map.DeleteBatch(keys));
        Assert.Empty(BpftoolDump(map));
    }

    [Fact]
    public void BadSizesAreRefusedBeforeTheKernelSeesThem()
    {
        var map = Obj.Maps["numa_hash"];
        var e = Assert.Throws<ArgumentException>(() => map.UpdateBatch([U64(1), U32(2)], [U64(1), U64(2)]));
        Assert.Contains("element 1", e.Message);
        Assert.Throws<ArgumentException>(() => map.UpdateBatch([U64(1)], []));
        Assert.Throws<InvalidOperationException>(() => Obj.Maps["fifo"].DeleteBatch([U32(1)]));
        Assert.Empty(BpftoolDump(map));
    }
}
