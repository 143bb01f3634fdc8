namespace PSBpf.Engine.Native;

/// <summary>bpf(2) commands for links found again after they were made: BPF_LINK_DETACH.</summary>
internal static unsafe partial class Bpf
{
    /// <summary>
    /// BPF_LINK_DETACH: detaches the link from its hook while fds and pins to it remain (they then refer to a defunct link).
    /// Returns 0, or -errno: EOPNOTSUPP for link types without a detach operation (perf_event, raw_tracepoint, tracing, iter).
    /// </summary>
    public static int TryLinkDetach(BpfFd link)
    {
        var attr = new LinkDetachAttr { link_fd = (uint)link.Value };
        return TryCall(BpfCommand.LinkDetach, ref attr);
    }
}
