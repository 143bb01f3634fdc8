using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A program attached through a perf event (tracepoint, kprobe, uprobe): the event plus a BPF_LINK_CREATE perf link on
/// it. The link is released first, then the event it holds.
/// </summary>
public abstract class PerfEventLink : BpfLink
{
    private readonly BpfFd _event;

    private protected PerfEventLink(BpfProgram program, BpfFd perfEvent, BpfFd link, string target)
        : base(program, link, target)
    {
        _event = perfEvent;
    }

    /// <summary>Creates the perf link of <paramref name="program"/> on <paramref name="perfEvent"/>, with a BPF cookie (bpf_get_attach_cookie); on failure the event is closed.</summary>
    internal static BpfFd LinkTo(BpfProgram program, BpfFd perfEvent, string what, ulong cookie = 0)
    {
        try
        {
            // link_create.perf_event.bpf_cookie is the first word of the union
            var attr = new LinkCreateAttr { prog_fd = (uint)program.LoadedFd().Value, target_fd = (uint)perfEvent.Value, attach_type = (uint)BpfAttachType.perf_event, union0 = cookie };
            return Bpf.LinkCreate(ref attr, what);
        }
        catch
        {
            perfEvent.Dispose();
            throw;
        }
    }

    // perf_trace_event_unreg (and the probe's unregister) waits for RCU readers of the tracepoint: 20-50 ms a close
    internal override bool ReleaseWaitsForKernel => true;

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _event.Dispose(); // after the link: the link holds the event until it is released
    }
}
