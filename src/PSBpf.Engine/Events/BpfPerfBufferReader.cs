using System.Globalization;
using PSBpf.Engine.Loader;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Reads the records bpf_perf_event_output() writes into a BPF_MAP_TYPE_PERF_EVENT_ARRAY, as libbpf's perf_buffer does:
/// one BPF output perf event per online CPU, each with its own mapped ring, stored in the map at its CPU index.
/// Not thread-safe: one thread reads; cancellation may come from any thread.
/// </summary>
public sealed class BpfPerfBufferReader : IBpfEventReader
{
    private readonly List<PerfCpuRing> _rings = [];
    private readonly Epoll _epoll;
    private bool _disposed;

    /// <summary>Opens and enables the per-CPU events and puts them into <paramref name="map"/>.</summary>
    /// <param name="map">A loaded perf event array.</param>
    /// <param name="pagesPerCpu">Data pages of each CPU's ring, a power of two.</param>
    /// <exception cref="InvalidOperationException">The map is not loaded.</exception>
    /// <exception cref="ArgumentException">The map is not a perf event array, or the page count is not a power of two.</exception>
    /// <exception cref="BpfSyscallException">perf_event_open, mmap, the map update or epoll failed.</exception>
    public BpfPerfBufferReader(BpfMap map, int pagesPerCpu = 64)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != BpfMapType.perf_event_array)
        {
            throw new ArgumentException($"map '{map.Name}' is a {map.Type} map, not a perf_event_array", nameof(map));
        }

        if (pagesPerCpu <= 0 || (pagesPerCpu & (pagesPerCpu - 1)) != 0)
        {
            throw new ArgumentException($"pages per CPU must be a power of two, not {pagesPerCpu}", nameof(pagesPerCpu));
        }

        map.LoadedFd(); // a clear error before anything is opened
        Map = map;
        string what = $"perf event array '{map.Name}'";
        _epoll = new Epoll(what);
        try
        {
            int slots = map.MaxEntries == 0 ? KernelInfo.PossibleCpus : (int)Math.Min(map.MaxEntries, (uint)KernelInfo.PossibleCpus);
            var online = KernelInfo.OnlineCpus();
            for (int cpu = 0; cpu < slots; cpu++)
            {
                // Offline CPUs cannot have events (libbpf skips them too); nothing runs there to write records.
                if (!online.Contains(cpu)) continue;
                var ring = PerfCpuRing.Open(cpu, pagesPerCpu, what);
                _rings.Add(ring);
                PerfBpfOutput.Enable(ring.Fd, what);
                map.Update(BitConverter.GetBytes((uint)cpu), BitConverter.GetBytes((uint)ring.Fd.Value));
                _epoll.Add(ring.Fd, (ulong)(_rings.Count - 1), what);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public BpfMap Map { get; }

    /// <summary>Records the kernel dropped so far because a CPU's ring was full.</summary>
    public long LostCount { get; private set; }

    /// <summary>Raised (on the reading thread, during <see cref="Read"/>) for each lost-records notice.</summary>
    public event EventHandler<BpfLostRecordsEventArgs>? Lost;

    /// <summary>CPUs with an event in the map.</summary>
    public IReadOnlyList<int> Cpus => _rings.Select(r => r.Cpu).ToArray();

    /// <summary>Records so far that wrapped around the end of a CPU's ring.</summary>
    internal long WrappedRecords => _rings.Sum(r => r.WrappedRecords);

    /// <inheritdoc />
    public int Read(TimeSpan timeout, CancellationToken cancellationToken, BpfRecordHandler onRecord)
    {
        ArgumentNullException.ThrowIfNull(onRecord);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return BpfEventReader.ReadWithWait(_epoll, timeout, cancellationToken, () => Map.Fd is null ? Map : null, () =>
        {
            int n = 0;
            foreach (var ring in _rings) n += ring.Drain(onRecord, OnLost);
            return n;
        });
    }

    /// <inheritdoc />
    public IEnumerable<byte[]> ReadAll(TimeSpan timeout, CancellationToken cancellationToken) =>
        BpfEventReader.ReadAll(this, timeout, cancellationToken);

    private void OnLost(int cpu, ulong count)
    {
        LostCount += (long)count;
        Lost?.Invoke(this, new BpfLostRecordsEventArgs(cpu, count));
    }

    /// <summary>Takes the events out of the map and closes them (the map itself stays with its object).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var ring in _rings)
        {
            // The map holds its own reference to each event; without the delete the events outlive this reader.
            if (Map?.Fd is { IsClosed: false })
            {
                try
                {
                    Map.Delete(BitConverter.GetBytes((uint)ring.Cpu));
                }
                catch (BpfSyscallException)
                {
                    // the slot was already replaced or cleared
                }
            }

            ring.Dispose();
        }

        _rings.Clear();
        _epoll?.Dispose();
    }
}
