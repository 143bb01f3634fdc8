namespace PSBpf.Engine;

/// <summary>What a perf_event link is attached to (enum bpf_perf_event_type); names as bpftool prints them.</summary>
#pragma warning disable CA1707
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfPerfEventType : ulong
{
    /// <summary>Not reported (kernels before 6.6 do not describe perf_event links).</summary>
    unspec = 0,
    /// <summary>A uprobe.</summary>
    uprobe = 1,
    /// <summary>A uretprobe.</summary>
    uretprobe = 2,
    /// <summary>A kprobe.</summary>
    kprobe = 3,
    /// <summary>A kretprobe.</summary>
    kretprobe = 4,
    /// <summary>A tracepoint.</summary>
    tracepoint = 5,
    /// <summary>A perf event (hardware or software counter).</summary>
    @event = 6,
}
#pragma warning restore CA1707
