namespace PSBpf.Engine;

/// <summary>Opens the right reader for a map: <see cref="BpfRingBufferReader"/> or <see cref="BpfPerfBufferReader"/>.</summary>
public static class BpfEventReader
{
    /// <summary>True for the map types a reader exists for (ringbuf, perf_event_array).</summary>
    public static bool IsEventMap(BpfMapType type) => type is BpfMapType.ringbuf or BpfMapType.perf_event_array;

    /// <summary>A reader over <paramref name="map"/>, which must be loaded.</summary>
    /// <exception cref="InvalidOperationException">The map is not loaded.</exception>
    /// <exception cref="ArgumentException">The map is neither a ring buffer nor a perf event array.</exception>
    public static IBpfEventReader Open(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.Type switch
        {
            BpfMapType.ringbuf => new BpfRingBufferReader(map),
            BpfMapType.perf_event_array => new BpfPerfBufferReader(map),
            _ => throw new ArgumentException($"map '{map.Name}' is a {map.Type} map; records can only be read from a ringbuf or perf_event_array map", nameof(map)),
        };
    }

    /// <summary>
    /// The read loop shared by the readers: drain; when nothing came, wait and drain again until the timeout. The wait is
    /// cut in slices so that a map whose object was disposed meanwhile (from another thread or runspace) ends the read
    /// with an error instead of waiting on a buffer nobody writes to any more.
    /// </summary>
    internal static int ReadWithWait(Native.Epoll epoll, TimeSpan timeout, CancellationToken cancellationToken, Func<BpfMap?> closedMap, Func<int> drain)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfClosed(closedMap);
        int n = drain();
        if (n > 0 || timeout <= TimeSpan.Zero) return n;

        var ready = new List<ulong>();
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        using var registration = cancellationToken.Register(static e => ((Native.Epoll)e!).Wake(), epoll);
        while (true)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return 0;
            ready.Clear();
            epoll.Wait(TimeSpan.FromMilliseconds(Math.Min(left, ClosedCheckMilliseconds)), ready);
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfClosed(closedMap);

            // Readiness can be reported for records still being written (busy) or discarded; only real records end the wait.
            n = drain();
            if (n > 0) return n;
            if (ready.Count > 0) Thread.Sleep(1); // a ring buffer stays readable while a record is busy: do not spin on it
        }
    }

    private const long ClosedCheckMilliseconds = 250;

    private static void ThrowIfClosed(Func<BpfMap?> closedMap)
    {
        if (closedMap() is { } map)
        {
            throw new BpfNotLoadedException($"map '{map.Name}'", "was closed while it was being read: its object was disposed");
        }
    }

    internal static IEnumerable<byte[]> ReadAll(IBpfEventReader reader, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var batch = new List<byte[]>();
        while (true)
        {
            batch.Clear();
            if (reader.Read(timeout, cancellationToken, r => batch.Add(r.ToArray())) == 0) yield break;
            foreach (var record in batch) yield return record;
        }
    }
}
