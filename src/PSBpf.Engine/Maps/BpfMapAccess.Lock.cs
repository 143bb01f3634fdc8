using System.Runtime.CompilerServices;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>BPF_F_LOCK: reads and writes of values that hold a struct bpf_spin_lock, copied under that lock.</summary>
public static unsafe partial class BpfMapAccess
{
    private static readonly ConditionalWeakTable<BpfMap, StrongBox<bool>> SpinLockCache = new();

    /// <summary>
    /// True when the map's value type (through its BTF) is a struct with a top-level member of type struct bpf_spin_lock;
    /// the kernel then accepts BPF_F_LOCK and copies values under that lock.
    /// </summary>
    public static bool HasSpinLock(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return SpinLockCache.GetValue(map, m => new StrongBox<bool>(FindSpinLock(m))).Value;
    }

    /// <summary>
    /// The value under <paramref name="key"/> read with BPF_F_LOCK when <paramref name="useLock"/> is set (the map's value
    /// must hold a bpf_spin_lock), so a program updating it under the lock is never seen half-way; null when there is none.
    /// </summary>
    public static byte[]? Lookup(this BpfMap map, ReadOnlySpan<byte> key, bool useLock)
    {
        var fd = Loaded(map);
        CheckKey(map, key);
        var value = new byte[ValueBufferSize(map)];
        fixed (byte* k = key, v = value)
        {
            return Bpf.MapLookupElem(fd, k, v, useLock ? (ulong)BpfUpdateFlags.Lock : 0, $"map '{map.Name}'") ? value : null;
        }
    }

    /// <summary>
    /// Every entry, values read under their bpf_spin_lock (BPF_F_LOCK) when the value type has one; otherwise
    /// exactly <see cref="Entries"/>. The kernel leaves the lock word itself zero in what it copies out.
    /// </summary>
    public static IEnumerable<BpfMapEntry> ConsistentEntries(this BpfMap map)
    {
        if (!HasSpinLock(map))
        {
            foreach (var e in map.Entries()) yield return e;
            yield break;
        }

        foreach (var key in map.Keys())
        {
            if (map.Lookup(key, useLock: true) is { } value) yield return new BpfMapEntry(key, value);
        }
    }

    private static bool FindSpinLock(BpfMap map)
    {
        var btf = map.Btf;
        if (btf is null || map.ValueTypeId == 0) return false;
        if (btf.Resolve(map.ValueTypeId) is not BtfComposite { IsUnion: false } value) return false;
        foreach (var member in value.Members)
        {
            if (btf.Resolve(member.TypeId) is BtfComposite { IsUnion: false, Name: "bpf_spin_lock" }) return true;
        }

        return false;
    }
}
