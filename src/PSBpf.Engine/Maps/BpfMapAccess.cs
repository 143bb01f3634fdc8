using PSBpf.Engine.Loader;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Raw element access on a loaded map through bpf(2): lookup, update, delete, iteration by key.</summary>
public static unsafe partial class BpfMapAccess
{
    /// <summary>True for per-CPU map types, whose values hold one slot per possible CPU.</summary>
    public static bool IsPerCpu(BpfMapType type) =>
        type is BpfMapType.percpu_hash or BpfMapType.percpu_array or BpfMapType.lru_percpu_hash or BpfMapType.percpu_cgroup_storage;

    /// <summary>Bytes one CPU's value takes in a per-CPU buffer: the value size rounded up to 8.</summary>
    public static int PerCpuSlot(BpfMap map) => (int)((map.ValueSize + 7) / 8 * 8);

    /// <summary>Bytes a lookup returns: the value size, or for per-CPU maps the value rounded to 8 bytes times the possible CPUs.</summary>
    public static int ValueBufferSize(BpfMap map) =>
        IsPerCpu(map.Type) ? PerCpuSlot(map) * KernelInfo.PossibleCpus : (int)map.ValueSize;

    /// <summary>The value stored under <paramref name="key"/>, or null when there is none.</summary>
    public static byte[]? Lookup(this BpfMap map, ReadOnlySpan<byte> key) => map.Lookup(key, useLock: false);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public static void Update(this BpfMap map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        var fd = Loaded(map);
        CheckKey(map, key);
        if (value.Length != ValueBufferSize(map))
        {
            throw new ArgumentException($"map '{map.Name}' takes values of {ValueBufferSize(map)} bytes{(IsPerCpu(map.Type) ? $" ({KernelInfo.PossibleCpus} CPUs x {PerCpuSlot(map)})" : string.Empty)}, not {value.Length}", nameof(value));
        }

        fixed (byte* k = key, v = value)
        {
            Bpf.MapUpdateElem(fd, k, v, (ulong)flags, $"map '{map.Name}'");
        }
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public static bool Delete(this BpfMap map, ReadOnlySpan<byte> key)
    {
        var fd = Loaded(map);
        CheckKey(map, key);
        fixed (byte* k = key)
        {
            return Bpf.MapDeleteElem(fd, k, $"map '{map.Name}'");
        }
    }

    /// <summary>True for queue and stack maps, which have no keys: push, pop and peek instead.</summary>
    public static bool IsQueueOrStack(BpfMapType type) => type is BpfMapType.queue or BpfMapType.stack;

    /// <summary>Pushes a value onto a queue or stack (<see cref="BpfUpdateFlags.Exist"/> replaces the oldest when full).</summary>
    public static void Push(this BpfMap map, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        var fd = KeylessFd(map);
        if (value.Length != map.ValueSize) throw new ArgumentException($"map '{map.Name}' takes values of {map.ValueSize} bytes, not {value.Length}", nameof(value));
        fixed (byte* v = value)
        {
            Bpf.MapUpdateElem(fd, null, v, (ulong)flags, $"map '{map.Name}'");
        }
    }

    /// <summary>Takes the next value off a queue (oldest) or stack (newest); null when it is empty.</summary>
    public static byte[]? Pop(this BpfMap map)
    {
        var fd = KeylessFd(map);
        var value = new byte[map.ValueSize];
        fixed (byte* v = value)
        {
            return Bpf.MapLookupAndDeleteElem(fd, null, v, $"map '{map.Name}'") ? value : null;
        }
    }

    /// <summary>The value <see cref="Pop"/> would return, leaving it in place; null when empty.</summary>
    public static byte[]? Peek(this BpfMap map)
    {
        var fd = KeylessFd(map);
        var value = new byte[map.ValueSize];
        fixed (byte* v = value)
        {
            return Bpf.MapLookupElem(fd, null, v, $"map '{map.Name}'") ? value : null;
        }
    }

    /// <summary>Looks up and removes <paramref name="key"/> in one step (hash maps); null when it was not there.</summary>
    public static byte[]? LookupAndDelete(this BpfMap map, ReadOnlySpan<byte> key)
    {
        var fd = Loaded(map);
        CheckKey(map, key);
        var value = new byte[ValueBufferSize(map)];
        fixed (byte* k = key, v = value)
        {
            return Bpf.MapLookupAndDeleteElem(fd, k, v, $"map '{map.Name}'") ? value : null;
        }
    }

    /// <summary>Makes the map read-only for user space from now on (BPF_MAP_FREEZE); programs can still write unless BPF_F_RDONLY_PROG.</summary>
    public static void Freeze(this BpfMap map) => Bpf.MapFreeze(Loaded(map), $"map '{map.Name}'");

    /// <summary>The keys in the kernel's iteration order (BPF_MAP_GET_NEXT_KEY).</summary>
    public static IEnumerable<byte[]> Keys(this BpfMap map)
    {
        if (IsQueueOrStack(map.Type)) throw new InvalidOperationException($"map '{map.Name}' is a {map.Type}, which has no keys; use Peek or Pop");
        var fd = Loaded(map);
        byte[]? current = null;
        while (true)
        {
            var next = new byte[map.KeySize];
            if (!NextKey(fd, current, next, map.Name)) yield break;
            yield return next;
            current = next;
        }
    }

    /// <summary>
    /// Every key with its value: BPF_MAP_LOOKUP_BATCH where the kernel supports it for the map type (a few syscalls for
    /// the whole map), else key by key; keys deleted while iterating are skipped.
    /// </summary>
    public static IEnumerable<BpfMapEntry> Entries(this BpfMap map)
    {
        // Entries are handed out one batch at a time rather than after reading the whole map, so a caller that does not keep
        // them lets them die young (a million retained entries cost more in GC than in system calls).
        var reader = BpfMapBatchReader.TryOpen(map, out bool more);
        if (reader is not null)
        {
            using (reader)
            {
                int keySize = reader.KeySize, valueSize = reader.ValueSize;
                for (; more; more = reader.Next())
                {
                    for (int i = 0; i < reader.Count; i++)
                    {
                        yield return new BpfMapEntry(reader.Keys.Slice(i * keySize, keySize).ToArray(), reader.Values.Slice(i * valueSize, valueSize).ToArray());
                    }
                }
            }

            yield break;
        }

        foreach (var key in map.Keys())
        {
            if (map.Lookup(key) is { } value) yield return new BpfMapEntry(key, value);
        }
    }

    /// <summary>The whole map read with BPF_MAP_LOOKUP_BATCH, or null when this map type (or kernel) has no batch lookup (tests probe the path).</summary>
    internal static List<BpfMapEntry>? BatchEntries(BpfMap map)
    {
        using (var probe = BpfMapBatchReader.TryOpen(map, out _))
        {
            if (probe is null) return null;
        }

        return [.. map.Entries()]; // Entries takes the batch path whenever the probe did
    }

    private static bool NextKey(BpfFd fd, byte[]? current, byte[] next, string name)
    {
        fixed (byte* c = current, n = next)
        {
            return Bpf.MapGetNextKey(fd, current is null ? null : c, n, $"map '{name}'");
        }
    }

    private static BpfFd Loaded(BpfMap map) => map.LoadedFd();

    private static BpfFd KeylessFd(BpfMap map) => IsQueueOrStack(map.Type)
        ? map.LoadedFd()
        : throw new InvalidOperationException($"map '{map.Name}' is a {map.Type}; push, pop and peek are for queue and stack maps");

    private static void CheckKey(BpfMap map, ReadOnlySpan<byte> key)
    {
        if (key.Length != map.KeySize)
        {
            throw new ArgumentException($"map '{map.Name}' takes keys of {map.KeySize} bytes, not {key.Length}", nameof(key));
        }
    }
}
