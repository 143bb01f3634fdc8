namespace PSBpf.Engine;

/// <summary>What one inspection call gathered up front: the processes holding BPF fds and the bpffs pins.</summary>
/// <param name="Holders">Processes by object id (empty when not asked for).</param>
/// <param name="Pins">Pinned paths by object id (empty when not asked for).</param>
internal sealed record InspectionContext(BpfHolders Holders, BpfPins Pins)
{
    public static InspectionContext None { get; } = new(BpfHolders.Empty, BpfPins.Empty);

    /// <summary>Scans what is asked for; done before any fd of our own is opened, so those do not count as holders.</summary>
    public static InspectionContext Scan(bool pids, bool pins) =>
        new(pids ? BpfHolders.Scan() : BpfHolders.Empty, pins ? BpfPins.Scan() : BpfPins.Empty);
}
