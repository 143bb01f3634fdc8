using System.Buffers;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Reads a whole map chunk by chunk with BPF_MAP_LOOKUP_BATCH into pooled buffers, so a dump costs a few system calls
/// and no per-entry allocation unless the caller makes one. Each chunk is valid until the next <see cref="Next"/>.
/// </summary>
internal sealed unsafe class BpfMapBatchReader : IDisposable
{
    // Up to 4,096 entries per call (libbpf users commonly pick a few thousand), but no more than about 1 MiB of keys and
    // values, so huge values do not make a huge buffer. Fewer entries per call means more system calls for the same copy.
    private const int MaxChunk = 4096;
    private const int MaxChunkBytes = 1 << 20;

    private readonly BpfMap _map;
    private readonly BpfFd _fd;
    private readonly byte[] _cursorIn;
    private readonly byte[] _cursorOut;
    private byte[] _keys;
    private byte[] _values;
    private int _chunk;
    private bool _first = true;
    private bool _done;

    private BpfMapBatchReader(BpfMap map, BpfFd fd)
    {
        _map = map;
        _fd = fd;
        KeySize = (int)map.KeySize;
        ValueSize = BpfMapAccess.ValueBufferSize(map);
        _chunk = Math.Clamp(MaxChunkBytes / Math.Max(1, KeySize + ValueSize), 1, MaxChunk);
        _keys = ArrayPool<byte>.Shared.Rent(_chunk * KeySize);
        _values = ArrayPool<byte>.Shared.Rent(_chunk * ValueSize);
        _cursorIn = new byte[Math.Max(8, KeySize)]; // the batch token: a bucket or index, at most a key in size
        _cursorOut = new byte[_cursorIn.Length];
    }

    /// <summary>Key bytes per entry.</summary>
    public int KeySize { get; }

    /// <summary>Value bytes per entry (per-CPU maps: every possible CPU's slot).</summary>
    public int ValueSize { get; }

    /// <summary>Entries in the current chunk.</summary>
    public int Count { get; private set; }

    /// <summary>Every key of the current chunk, <see cref="KeySize"/> bytes each.</summary>
    public ReadOnlySpan<byte> Keys => _keys.AsSpan(0, Count * KeySize);

    /// <summary>Every value of the current chunk, <see cref="ValueSize"/> bytes each.</summary>
    public ReadOnlySpan<byte> Values => _values.AsSpan(0, Count * ValueSize);

    /// <summary>
    /// Starts a batch read and fetches the first chunk (<paramref name="hasChunk"/>: false for an empty map); null when the
    /// kernel has no batch lookup for this map type.
    /// </summary>
    public static BpfMapBatchReader? TryOpen(BpfMap map, out bool hasChunk)
    {
        hasChunk = false;
        var fd = map.LoadedFd();
        if (BpfMapAccess.IsQueueOrStack(map.Type)) return null;
        var reader = new BpfMapBatchReader(map, fd);
        try
        {
            if (!reader.Fetch(out hasChunk))
            {
                reader.Dispose();
                return null;
            }

            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Fetches the next chunk; false when the map has no more entries.</summary>
    public bool Next()
    {
        Fetch(out bool hasChunk);
        return hasChunk;
    }

    /// <returns>False only when the first call finds no batch support.</returns>
    private bool Fetch(out bool hasChunk)
    {
        hasChunk = false;
        Count = 0;
        while (!_done)
        {
            (int filled, bool done, int error) r;
            fixed (byte* ci = _cursorIn, co = _cursorOut, k = _keys, v = _values)
            {
                r = Bpf.MapLookupBatch(_fd, _first ? null : ci, co, k, v, (uint)_chunk);
            }

            if (-r.error == Errno.ENOSPC && _chunk < 1 << 20 && (long)_chunk * 4 * (KeySize + ValueSize) <= Array.MaxLength)
            {
                Grow(); // one hash bucket holds more entries than the buffer: retry the same cursor with more room
                continue;
            }

            if (r.error != 0)
            {
                if (_first && (-r.error is Errno.EINVAL or Errno.ENOTSUPP or Errno.EOPNOTSUPP)) return false; // no batch for this type
                throw new BpfSyscallException(BpfCommand.MapLookupBatch, $"BPF_MAP_LOOKUP_BATCH on map '{_map.Name}'", -r.error);
            }

            _done = r.done;
            if (!r.done) _cursorOut.CopyTo(_cursorIn, 0);
            _first = false;
            Count = r.filled;
            if (r.filled > 0)
            {
                hasChunk = true;
                return true;
            }
        }

        return true;
    }

    private void Grow()
    {
        _chunk *= 4;
        ArrayPool<byte>.Shared.Return(_keys);
        ArrayPool<byte>.Shared.Return(_values);
        _keys = [];
        _values = [];
        _keys = ArrayPool<byte>.Shared.Rent(_chunk * KeySize);
        _values = ArrayPool<byte>.Shared.Rent(_chunk * ValueSize);
    }

    public void Dispose()
    {
        if (_keys.Length > 0) ArrayPool<byte>.Shared.Return(_keys);
        if (_values.Length > 0) ArrayPool<byte>.Shared.Return(_values);
        _keys = [];
        _values = [];
        Count = 0;
    }
}
