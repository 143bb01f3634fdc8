using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A kprobe-type program on a kernel function: a perf event from the kprobe PMU (function name + offset), then a BPF
/// perf link on it. Kernels without CONFIG_KPROBES have no kprobe PMU; attaching then throws NotSupportedException.
/// </summary>
public sealed class KprobeLink : BpfLink
{
    private readonly BpfFd _event;

    private KprobeLink(BpfProgram program, BpfFd perfEvent, BpfFd link, string function, bool retprobe)
        : base(program, link, $"{(retprobe ? "kretprobe" : "kprobe")} {function}")
    {
        _event = perfEvent;
        Function = function;
        IsRetprobe = retprobe;
    }

    /// <inheritdoc />
    public override string Kind => IsRetprobe ? "kretprobe" : "kprobe";
    /// <summary>The probed kernel function.</summary>
    public string Function { get; }
    /// <summary>True for a return probe.</summary>
    public bool IsRetprobe { get; }

    internal static KprobeLink Attach(BpfProgram program, string function, ulong offset, bool retprobe)
    {
        var fd = program.LoadedFd();
        string what = $"program '{program.Name}' on {(retprobe ? "kretprobe" : "kprobe")} {function}";
        var ev = PerfProbe.Open("kprobe", function, offset, retprobe, -1, what);
        try
        {
            var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = (uint)ev.Value, attach_type = (uint)BpfAttachType.perf_event };
            return new KprobeLink(program, ev, Bpf.LinkCreate(ref attr, what), function, retprobe);
        }
        catch
        {
            ev.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _event.Dispose();
    }
}
