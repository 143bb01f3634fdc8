namespace PSBpf.Engine.Native;

/// <summary>BPF_MAP_LOOKUP_BATCH, BPF_MAP_UPDATE_BATCH and BPF_MAP_DELETE_BATCH.</summary>
internal static unsafe partial class Bpf
{
    /// <summary>
    /// One BPF_MAP_LOOKUP_BATCH call: fills up to <paramref name="count"/> keys and values after the cursor
    /// <paramref name="inBatch"/> (null to start). Returns how many were filled, whether the map is exhausted, and
    /// -errno (0 on success) so callers can fall back when the map type has no batch support.
    /// </summary>
    public static (int Filled, bool Done, int Error) MapLookupBatch(BpfFd map, void* inBatch, void* outBatch, void* keys, void* values, uint count)
    {
        var attr = new MapBatchAttr { map_fd = (uint)map.Value, in_batch = (ulong)inBatch, out_batch = (ulong)outBatch, keys = (ulong)keys, values = (ulong)values, count = count };
        int r = TryCall(BpfCommand.MapLookupBatch, ref attr);
        if (r >= 0) return ((int)attr.count, false, 0);
        return -r == Errno.ENOENT ? ((int)attr.count, true, 0) : (0, true, r); // ENOENT: the last, possibly partial, batch
    }
    /// <summary>
    /// One BPF_MAP_UPDATE_BATCH call over <paramref name="count"/> keys and values (elem_flags: BPF_ANY/NOEXIST/EXIST, BPF_F_LOCK).
    /// Returns how many elements the kernel stored (on failure: the index of the element that failed) and -errno (0 on success).
    /// </summary>
    public static (int Processed, int Error) MapUpdateBatch(BpfFd map, void* keys, void* values, uint count, ulong elemFlags)
    {
        var attr = new MapBatchAttr { map_fd = (uint)map.Value, keys = (ulong)keys, values = (ulong)values, count = count, elem_flags = elemFlags };
        int r = TryCall(BpfCommand.MapUpdateBatch, ref attr);
        return r >= 0 ? ((int)attr.count, 0) : ((int)attr.count, r);
    }

    /// <summary>One BPF_MAP_DELETE_BATCH call; like <see cref="MapUpdateBatch"/>, the count says how far the kernel got.</summary>
    public static (int Processed, int Error) MapDeleteBatch(BpfFd map, void* keys, uint count)
    {
        var attr = new MapBatchAttr { map_fd = (uint)map.Value, keys = (ulong)keys, count = count };
        int r = TryCall(BpfCommand.MapDeleteBatch, ref attr);
        return r >= 0 ? ((int)attr.count, 0) : ((int)attr.count, r);
    }
}
