using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Reads the records of loaded BPF_MAP_TYPE_RINGBUF maps, like libbpf's ring_buffer: one ring buffer from the constructor,
/// more through <see cref="Add"/>, all watched by one epoll instance.
/// Not thread-safe: one thread reads; cancellation may come from any thread.
/// </summary>
public sealed class BpfRingBufferReader : IBpfEventReader
{
    private readonly List<RingBufferRing> _rings = [];
    private readonly Epoll _epoll;
    private bool _disposed;

    /// <summary>Maps the ring buffer of <paramref name="map"/> and watches it for new records.</summary>
    /// <exception cref="InvalidOperationException">The map is not loaded.</exception>
    /// <exception cref="ArgumentException">The map is not a ring buffer.</exception>
    /// <exception cref="BpfSyscallException">mmap or epoll failed.</exception>
    public BpfRingBufferReader(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var first = RingBufferRing.Open(map, handler: null);
        try
        {
            _epoll = new Epoll($"ring buffer '{map.Name}'");
        }
        catch
        {
            first.Dispose();
            throw;
        }

        try
        {
            Watch(first);
        }
        catch
        {
            Dispose();
            throw;
        }

        Map = map;
    }

    /// <summary>The ring buffer given to the constructor.</summary>
    public BpfMap Map { get; }

    /// <summary>Every ring buffer this reader watches, in the order they were added.</summary>
    public IReadOnlyList<BpfMap> Maps => _rings.Select(r => r.Map).ToArray();

    /// <summary>Bytes the producers have written that this reader has not consumed yet (busy and discarded records included).</summary>
    public long Pending
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _rings.Sum(r => r.Pending);
        }
    }

    /// <summary>
    /// Watches another ring buffer with the same reader (one epoll wait for all). Its records go to
    /// <paramref name="onRecord"/> when given, else to the handler passed to <see cref="Read"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The map is not loaded.</exception>
    /// <exception cref="ArgumentException">The map is not a ring buffer, or the reader already watches it.</exception>
    public void Add(BpfMap map, BpfRecordHandler? onRecord = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_rings.Any(r => ReferenceEquals(r.Map, map)))
        {
            throw new ArgumentException($"ring buffer '{map.Name}' is already read by this reader", nameof(map));
        }

        var ring = RingBufferRing.Open(map, onRecord);
        try
        {
            Watch(ring);
        }
        catch
        {
            _rings.Remove(ring);
            ring.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int Read(TimeSpan timeout, CancellationToken cancellationToken, BpfRecordHandler onRecord)
    {
        ArgumentNullException.ThrowIfNull(onRecord);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return BpfEventReader.ReadWithWait(_epoll, timeout, cancellationToken, ClosedMap, () =>
        {
            int n = 0;
            foreach (var ring in _rings) n += ring.Drain(ring.Handler ?? onRecord);
            return n;
        });
    }

    /// <inheritdoc />
    public IEnumerable<byte[]> ReadAll(TimeSpan timeout, CancellationToken cancellationToken) =>
        BpfEventReader.ReadAll(this, timeout, cancellationToken);

    // The mappings keep the kernel's ring alive, but once the map's object is disposed no program writes to it.
    private BpfMap? ClosedMap()
    {
        foreach (var ring in _rings)
        {
            if (ring.Map.Fd is null) return ring.Map;
        }

        return null;
    }

    private void Watch(RingBufferRing ring)
    {
        _rings.Add(ring);
        _epoll.Add(ring.Map.Fd!, (ulong)(_rings.Count - 1), $"ring buffer '{ring.Map.Name}'");
    }

    /// <summary>Unmaps the buffers and closes the epoll instance; the maps themselves stay with their objects.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _epoll?.Dispose();
        foreach (var ring in _rings) ring.Dispose();
        _rings.Clear();
    }
}
