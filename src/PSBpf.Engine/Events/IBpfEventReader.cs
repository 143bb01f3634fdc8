namespace PSBpf.Engine;

/// <summary>A reader of the records a BPF program sends to user space through a ring buffer or perf event array.</summary>
public interface IBpfEventReader : IDisposable
{
    /// <summary>The map the records come from.</summary>
    BpfMap Map { get; }

    /// <summary>
    /// Hands every available record to <paramref name="onRecord"/>; when there is none, waits up to <paramref name="timeout"/>
    /// for some. The span is only valid during the call. Returns how many records were handed over (0 after a timeout).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (a wait ends at once).</exception>
    int Read(TimeSpan timeout, CancellationToken cancellationToken, BpfRecordHandler onRecord);

    /// <summary>
    /// Copies of the records as they arrive; the sequence ends when a wait of <paramref name="timeout"/> brings nothing.
    /// </summary>
    IEnumerable<byte[]> ReadAll(TimeSpan timeout, CancellationToken cancellationToken);
}
