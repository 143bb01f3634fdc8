namespace PSBpf.Engine;

/// <summary>BPF link types (enum bpf_link_type).</summary>
/// <remarks>Member names are bpftool's spellings (<c>bpftool link show</c>), so <c>Where-Object Type -eq perf_event</c> works in PowerShell; values are the kernel's.</remarks>
#pragma warning disable CA1707 // bpftool's names contain underscores on purpose
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfLinkType : ulong
{
    /// <summary>unspec = 0.</summary>
    unspec = 0,
    /// <summary>raw_tracepoint = 1 (also tp_btf programs on older kernels).</summary>
    raw_tracepoint = 1,
    /// <summary>tracing = 2 (fentry, fexit, fmod_ret, lsm, freplace).</summary>
    tracing = 2,
    /// <summary>cgroup = 3.</summary>
    cgroup = 3,
    /// <summary>iter = 4.</summary>
    iter = 4,
    /// <summary>netns = 5 (flow dissector, sk_lookup).</summary>
    netns = 5,
    /// <summary>xdp = 6.</summary>
    xdp = 6,
    /// <summary>perf_event = 7 (tracepoints, kprobes and uprobes through a perf event).</summary>
    perf_event = 7,
    /// <summary>kprobe_multi = 8.</summary>
    kprobe_multi = 8,
    /// <summary>struct_ops = 9.</summary>
    struct_ops = 9,
    /// <summary>netfilter = 10.</summary>
    netfilter = 10,
    /// <summary>tcx = 11.</summary>
    tcx = 11,
    /// <summary>uprobe_multi = 12.</summary>
    uprobe_multi = 12,
    /// <summary>netkit = 13.</summary>
    netkit = 13,
    /// <summary>sockmap = 14.</summary>
    sockmap = 14,
    /// <summary>tracing_multi = 15.</summary>
    tracing_multi = 15,
}
#pragma warning restore CA1707
