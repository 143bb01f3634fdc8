using System.Collections.Concurrent;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Batch writes: BPF_MAP_UPDATE_BATCH and BPF_MAP_DELETE_BATCH with a per-element fallback.</summary>
public static unsafe partial class BpfMapAccess
{
    // Elements per syscall: bounds the pinned buffers; the kernel itself walks the elements one by one.
    private const int WriteChunk = 4096;

    /// <summary>Elements per batch call: up to 4,096 but about 1 MiB at most, so large values cannot overflow a buffer size.</summary>
    private static int ChunkFor(int keySize, int valueSize) => (int)Math.Clamp((1L << 20) / Math.Max(1L, (long)keySize + valueSize), 1, WriteChunk);

    // Map types whose kernel ops lack a batch write (ENOTSUPP/EOPNOTSUPP once is the answer for the type).
    private static readonly ConcurrentDictionary<(BpfMapType, BpfCommand), bool> NoBatch = new();

    /// <summary>
    /// Stores every <paramref name="keys"/>[i] → <paramref name="values"/>[i] with BPF_MAP_UPDATE_BATCH (per element where the
    /// kernel has no batch update for the map type). Values use <see cref="ValueBufferSize"/> bytes (per-CPU: every CPU).
    /// <see cref="BpfUpdateFlags.Lock"/> is added for values with a bpf_spin_lock.
    /// </summary>
    /// <returns>How many elements were stored (all of them).</returns>
    /// <exception cref="BpfMapBatchException">An element failed: the ones before it are stored, it and the rest are not.</exception>
    public static int UpdateBatch(this BpfMap map, IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> values, BpfUpdateFlags flags = BpfUpdateFlags.Any, BpfBatchMode mode = BpfBatchMode.Auto)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (keys.Count != values.Count) throw new ArgumentException($"map '{map.Name}': {keys.Count} keys but {values.Count} values", nameof(values));
        var fd = Loaded(map);
        if (IsQueueOrStack(map.Type)) throw new InvalidOperationException($"map '{map.Name}' is a {map.Type}, which has no keys; use Push");
        int keySize = (int)map.KeySize, valueSize = ValueBufferSize(map);
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i].Length != keySize) throw new ArgumentException($"map '{map.Name}' takes keys of {keySize} bytes, not {keys[i].Length} (element {i})", nameof(keys));
            if (values[i].Length != valueSize) throw new ArgumentException($"map '{map.Name}' takes values of {valueSize} bytes, not {values[i].Length} (element {i})", nameof(values));
        }

        if (HasSpinLock(map)) flags |= BpfUpdateFlags.Lock;
        int done = 0;
        // the kernel refuses BPF_NOEXIST/BPF_EXIST in a batch's elem_flags (EINVAL before any element; only BPF_F_LOCK goes), so those go per element
        bool batchable = (flags & (BpfUpdateFlags.NoExist | BpfUpdateFlags.Exist)) == 0;
        if (mode == BpfBatchMode.Auto && batchable && !NoBatch.ContainsKey((map.Type, BpfCommand.MapUpdateBatch)))
        {
            var k = new byte[(long)Math.Min(ChunkFor(keySize, valueSize), keys.Count) * keySize];
            var v = new byte[(long)Math.Min(ChunkFor(keySize, valueSize), keys.Count) * valueSize];
            while (done < keys.Count)
            {
                int n = Math.Min(ChunkFor(keySize, valueSize), keys.Count - done);
                for (int i = 0; i < n; i++)
                {
                    keys[done + i].CopyTo(k, i * keySize);
                    values[done + i].CopyTo(v, i * valueSize);
                }

                (int Processed, int Error) r;
                fixed (byte* kp = k, vp = v)
                {
                    r = Bpf.MapUpdateBatch(fd, kp, vp, (uint)n, (ulong)flags);
                }

                if (r.Error == 0)
                {
                    done += n;
                    continue;
                }

                // a count left as given means the kernel refused the call before the first element
                if (done == 0 && r.Processed >= n && NoBatchSupport(map.Type, BpfCommand.MapUpdateBatch, -r.Error)) break;
                int failed = done + (r.Processed >= n ? 0 : Math.Max(0, r.Processed));
                throw new BpfMapBatchException(BpfCommand.MapUpdateBatch, "BPF_MAP_UPDATE_BATCH", map.Name, failed, keys[failed], -r.Error, Bpf.Explain(BpfCommand.MapUpdateElem, -r.Error));
            }

            if (done == keys.Count) return done;
        }

        for (int i = 0; i < keys.Count; i++)
        {
            try
            {
                fixed (byte* kp = keys[i], vp = values[i])
                {
                    Bpf.MapUpdateElem(fd, kp, vp, (ulong)flags, $"map '{map.Name}'");
                }
            }
            catch (BpfSyscallException e)
            {
                throw new BpfMapBatchException(BpfCommand.MapUpdateElem, "BPF_MAP_UPDATE_ELEM", map.Name, i, keys[i], e.Errno, Bpf.Explain(BpfCommand.MapUpdateElem, e.Errno));
            }
        }

        return keys.Count;
    }

    /// <summary>
    /// Removes every key in <paramref name="keys"/> with BPF_MAP_DELETE_BATCH (per element where the kernel has no batch delete
    /// for the map type). A key that is not there stops the batch with ENOENT, as the kernel does.
    /// </summary>
    /// <returns>How many keys were removed (all of them).</returns>
    /// <exception cref="BpfMapBatchException">A key failed: the ones before it are removed, it and the rest are not.</exception>
    public static int DeleteBatch(this BpfMap map, IReadOnlyList<byte[]> keys, BpfBatchMode mode = BpfBatchMode.Auto)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var fd = Loaded(map);
        if (IsQueueOrStack(map.Type)) throw new InvalidOperationException($"map '{map.Name}' is a {map.Type}, which has no keys; use Pop");
        int keySize = (int)map.KeySize;
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i].Length != keySize) throw new ArgumentException($"map '{map.Name}' takes keys of {keySize} bytes, not {keys[i].Length} (element {i})", nameof(keys));
        }

        int done = 0;
        if (mode == BpfBatchMode.Auto && !NoBatch.ContainsKey((map.Type, BpfCommand.MapDeleteBatch)))
        {
            var k = new byte[(long)Math.Min(ChunkFor(keySize, 0), keys.Count) * keySize];
            while (done < keys.Count)
            {
                int n = Math.Min(ChunkFor(keySize, 0), keys.Count - done);
                for (int i = 0; i < n; i++) keys[done + i].CopyTo(k, i * keySize);
                (int Processed, int Error) r;
                fixed (byte* kp = k)
                {
                    r = Bpf.MapDeleteBatch(fd, kp, (uint)n);
                }

                if (r.Error == 0)
                {
                    done += n;
                    continue;
                }

                if (done == 0 && r.Processed >= n && NoBatchSupport(map.Type, BpfCommand.MapDeleteBatch, -r.Error)) break;
                int failed = done + (r.Processed >= n ? 0 : Math.Max(0, r.Processed));
                throw new BpfMapBatchException(BpfCommand.MapDeleteBatch, "BPF_MAP_DELETE_BATCH", map.Name, failed, keys[failed], -r.Error, Bpf.Explain(BpfCommand.MapDeleteElem, -r.Error));
            }

            if (done == keys.Count) return done;
        }

        for (int i = 0; i < keys.Count; i++)
        {
            bool found;
            try
            {
                fixed (byte* kp = keys[i])
                {
                    found = Bpf.MapDeleteElem(fd, kp, $"map '{map.Name}'");
                }
            }
            catch (BpfSyscallException e)
            {
                throw new BpfMapBatchException(BpfCommand.MapDeleteElem, "BPF_MAP_DELETE_ELEM", map.Name, i, keys[i], e.Errno, Bpf.Explain(BpfCommand.MapDeleteElem, e.Errno));
            }

            // same contract as the batch: a missing key stops it
            if (!found) throw new BpfMapBatchException(BpfCommand.MapDeleteElem, "BPF_MAP_DELETE_ELEM", map.Name, i, keys[i], Errno.ENOENT, Bpf.Explain(BpfCommand.MapDeleteElem, Errno.ENOENT));
        }

        return keys.Count;
    }

    /// <summary>True once the kernel said it has no batch update (or delete) for <paramref name="type"/>.</summary>
    internal static bool KnownWithoutBatch(BpfMapType type, bool delete) =>
        NoBatch.ContainsKey((type, delete ? BpfCommand.MapDeleteBatch : BpfCommand.MapUpdateBatch));

    /// <summary>
    /// True when a failed first batch call means the map type has no batch op: ENOTSUPP/EOPNOTSUPP (cached for the type)
    /// or EINVAL, which older kernels and some types give; the per-element path then reports any real per-element error.
    /// </summary>
    private static bool NoBatchSupport(BpfMapType type, BpfCommand cmd, int errno)
    {
        if (errno is Errno.ENOTSUPP or Errno.EOPNOTSUPP)
        {
            NoBatch[(type, cmd)] = true;
            return true;
        }

        return errno == Errno.EINVAL;
    }
}
