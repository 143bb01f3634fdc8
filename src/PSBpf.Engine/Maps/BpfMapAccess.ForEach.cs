using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Whole-map dumps without a per-entry allocation.</summary>
public static unsafe partial class BpfMapAccess
{
    /// <summary>
    /// Calls <paramref name="onEntry"/> for every key and value, like <see cref="Entries"/> (BPF_MAP_LOOKUP_BATCH where the
    /// kernel supports it, else key by key) but without copying each entry into new arrays: the spans are only valid
    /// during the call. Returns the number of entries.
    /// </summary>
    /// <exception cref="InvalidOperationException">The map is not loaded, or is a queue or stack (no keys).</exception>
    /// <exception cref="BpfSyscallException">A lookup failed.</exception>
    public static long ForEachEntry(this BpfMap map, BpfMapEntryHandler onEntry)
    {
        ArgumentNullException.ThrowIfNull(onEntry);
        if (IsQueueOrStack(map.Type)) throw new InvalidOperationException($"map '{map.Name}' is a {map.Type}, which has no keys; use Peek or Pop");
        long count = 0;
        using (var reader = BpfMapBatchReader.TryOpen(map, out bool more))
        {
            if (reader is not null)
            {
                int keySize = reader.KeySize, valueSize = reader.ValueSize;
                for (; more; more = reader.Next())
                {
                    var keys = reader.Keys;
                    var values = reader.Values;
                    for (int i = 0; i < reader.Count; i++)
                    {
                        onEntry(keys.Slice(i * keySize, keySize), values.Slice(i * valueSize, valueSize));
                    }

                    count += reader.Count;
                }

                return count;
            }
        }

        // No batch lookup for this map type: key by key, into two buffers reused for every entry.
        var fd = Loaded(map);
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        var value = new byte[ValueBufferSize(map)];
        string what = $"map '{map.Name}'";
        bool first = true;
        while (NextKey(fd, first ? null : key, next, map.Name))
        {
            first = false;
            (key, next) = (next, key);
            bool found;
            fixed (byte* k = key, v = value)
            {
                found = Bpf.MapLookupElem(fd, k, v, what);
            }

            if (!found) continue; // deleted since get_next_key returned it
            onEntry(key, value);
            count++;
        }

        return count;
    }
}
