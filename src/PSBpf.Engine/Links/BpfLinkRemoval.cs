namespace PSBpf.Engine;

/// <summary>What <see cref="BpfKernelLink.Remove"/> did.</summary>
/// <param name="Id">Kernel link id.</param>
/// <param name="RemovedPins">Pins removed.</param>
/// <param name="ForcedDetach">True when BPF_LINK_DETACH took the program off its hook.</param>
/// <param name="Detached">True when the program is off its hook: forced, or the link is gone from the kernel.</param>
/// <param name="Holders">Processes that still hold the link when it is not detached (they keep it attached).</param>
public sealed record BpfLinkRemoval(uint Id, IReadOnlyList<string> RemovedPins, bool ForcedDetach, bool Detached, IReadOnlyList<BpfProcessRef> Holders);
