using PSBpf.Engine.Loader;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A perf_event program on a sampling perf event, one event per CPU (perf_event_open with pid -1, like `perf record -a`),
/// each with a BPF_LINK_CREATE perf link, or PERF_EVENT_IOC_SET_BPF where the kernel has no perf links (before 5.15) or
/// <see cref="BpfAttachOptions.Legacy"/> asks for it. One object owns every CPU's event and link, so one Dispose
/// detaches them all; <see cref="BpfLink.Id"/> is the first CPU's link, <see cref="LinkIds"/> all of them.
/// </summary>
public sealed class PerfSampleLink : BpfLink
{
    private readonly BpfFd[] _events;
    private readonly BpfFd[] _links; // empty in legacy mode; else _links[0] is the base Fd
    private readonly bool _isLink;

    private PerfSampleLink(BpfProgram program, BpfFd[] events, BpfFd[] links, BpfPerfEventSpec spec, int[] cpus)
        : base(program, links.Length > 0 ? links[0] : events[0], $"perf_event {spec} cpus {string.Join(',', cpus)}")
    {
        _events = events;
        _links = links;
        _isLink = links.Length > 0;
        Event = spec;
        Cpus = cpus;
    }

    /// <inheritdoc />
    public override string Kind => "perf_event";
    /// <summary>The sampled event.</summary>
    public BpfPerfEventSpec Event { get; }
    /// <summary>The CPUs sampled, one event each.</summary>
    public IReadOnlyList<int> Cpus { get; }
    /// <summary>Kernel link ids, one per CPU in <see cref="Cpus"/> order; empty once detached or without links.</summary>
    public IReadOnlyList<uint> LinkIds => IsAttached && _isLink ? _links.Select(Bpf.LinkId).ToArray() : [];
    private protected override bool IsKernelLink => _isLink;
    // one pin holds one link: pinning CPU 0's would keep sampling there alone after the others detach
    private protected override string? NotPinnableReason => _links.Length > 1 ? $"it is {_links.Length} links, one per CPU; attach with one CPU (Cpus) to pin" : null;

    /// <summary>Attaches a perf_event program to a sampling event on each of <paramref name="cpus"/> (null or empty: every online CPU); <paramref name="spec"/> null samples cpu-clock at 99 Hz; <paramref name="legacy"/> uses PERF_EVENT_IOC_SET_BPF instead of links.</summary>
    /// <exception cref="ArgumentException">The program is not a PerfEvent program (see <see cref="BpfAttachKinds.PerfEvent"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static PerfSampleLink Attach(BpfProgram program, BpfPerfEventSpec? spec, IReadOnlyCollection<int>? cpus, bool legacy)
    {
        BpfAttachKinds.PerfEvent.Require(program);
        spec ??= new BpfPerfEventSpec();
        var prog = program.LoadedFd();
        int[] on = (cpus is { Count: > 0 } ? cpus : KernelInfo.OnlineCpus()).Distinct().Order().ToArray();
        if (on.Length == 0) throw new ArgumentException($"program '{program.Name}': no CPUs to sample", nameof(cpus));
        if (on[0] < 0) throw new ArgumentOutOfRangeException(nameof(cpus), on[0], $"program '{program.Name}': CPU numbers start at 0");
        var events = new List<BpfFd>();
        var links = new List<BpfFd>();
        try
        {
            foreach (int cpu in on)
            {
                string what = $"program '{program.Name}' (perf_event {spec}) on CPU {cpu}";
                var attr = new PerfEventAttr { type = spec.Type, config = spec.Config };
                if (spec.SamplePeriod is { } period) attr.sample_period = period;
                else
                {
                    attr.sample_period = spec.SampleFrequency; // the sample_freq member of the same union
                    attr.flags |= PerfIoctl.FlagFreq;
                }

                var ev = Perf.Open(ref attr, -1, cpu, what);
                events.Add(ev);
                if (!legacy)
                {
                    var la = new LinkCreateAttr { prog_fd = (uint)prog.Value, target_fd = (uint)ev.Value, attach_type = (uint)BpfAttachType.perf_event };
                    int r = Bpf.TryLinkCreate(ref la);
                    if (r >= 0)
                    {
                        links.Add(new BpfFd(r));
                        continue;
                    }

                    // perf links for non-tracing events came in 5.15 (EINVAL before); later CPUs go the same way
                    if (r != -Errno.EINVAL || links.Count > 0) throw new BpfSyscallException(BpfCommand.LinkCreate, $"BPF_LINK_CREATE for {what}", -r, Bpf.Explain(BpfCommand.LinkCreate, -r));
                    legacy = true;
                }

                if (LibC.Ioctl(ev.Value, PerfIoctl.SetBpf, prog.Value) < 0) throw new BpfSyscallException(BpfSystemCall.PerfEventIoctl, $"PERF_EVENT_IOC_SET_BPF for {what}", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
                if (LibC.Ioctl(ev.Value, PerfIoctl.Enable, 0) < 0) throw new BpfSyscallException(BpfSystemCall.PerfEventIoctl, $"PERF_EVENT_IOC_ENABLE for {what}", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            }

            return new PerfSampleLink(program, [.. events], [.. links], spec, on);
        }
        catch
        {
            foreach (var l in links) l.Dispose();
            foreach (var e in events) e.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_isLink)
        {
            // without links, closing the event is what detaches; disable first so no sample runs half-way through teardown
            foreach (var e in _events.Where(e => !e.IsClosed)) LibC.Ioctl(e.Value, PerfIoctl.Disable, 0);
        }

        base.Dispose(disposing);
        if (!disposing) return;
        foreach (var l in _links) l.Dispose();  // links first: each holds its event
        foreach (var e in _events) e.Dispose();
    }
}
