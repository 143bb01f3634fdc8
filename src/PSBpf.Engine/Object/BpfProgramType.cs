namespace PSBpf.Engine;

/// <summary>BPF program types (enum bpf_prog_type).</summary>
/// <remarks>Member names are bpftool's spellings, so <c>Where-Object Type -eq xdp</c> works in PowerShell; values are the kernel's <c>enum bpf_prog_type</c>.</remarks>
#pragma warning disable CA1707 // bpftool's names contain underscores on purpose
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfProgramType : ulong
{
    /// <summary>unspec = 0.</summary>
    unspec = 0,
    /// <summary>socket_filter = 1.</summary>
    socket_filter = 1,
    /// <summary>kprobe = 2.</summary>
    kprobe = 2,
    /// <summary>sched_cls = 3.</summary>
    sched_cls = 3,
    /// <summary>sched_act = 4.</summary>
    sched_act = 4,
    /// <summary>tracepoint = 5.</summary>
    tracepoint = 5,
    /// <summary>xdp = 6.</summary>
    xdp = 6,
    /// <summary>perf_event = 7.</summary>
    perf_event = 7,
    /// <summary>cgroup_skb = 8.</summary>
    cgroup_skb = 8,
    /// <summary>cgroup_sock = 9.</summary>
    cgroup_sock = 9,
    /// <summary>lwt_in = 10.</summary>
    lwt_in = 10,
    /// <summary>lwt_out = 11.</summary>
    lwt_out = 11,
    /// <summary>lwt_xmit = 12.</summary>
    lwt_xmit = 12,
    /// <summary>sock_ops = 13.</summary>
    sock_ops = 13,
    /// <summary>sk_skb = 14.</summary>
    sk_skb = 14,
    /// <summary>cgroup_device = 15.</summary>
    cgroup_device = 15,
    /// <summary>sk_msg = 16.</summary>
    sk_msg = 16,
    /// <summary>raw_tracepoint = 17.</summary>
    raw_tracepoint = 17,
    /// <summary>cgroup_sock_addr = 18.</summary>
    cgroup_sock_addr = 18,
    /// <summary>lwt_seg6local = 19.</summary>
    lwt_seg6local = 19,
    /// <summary>lirc_mode2 = 20.</summary>
    lirc_mode2 = 20,
    /// <summary>sk_reuseport = 21.</summary>
    sk_reuseport = 21,
    /// <summary>flow_dissector = 22.</summary>
    flow_dissector = 22,
    /// <summary>cgroup_sysctl = 23.</summary>
    cgroup_sysctl = 23,
    /// <summary>raw_tracepoint_writable = 24.</summary>
    raw_tracepoint_writable = 24,
    /// <summary>cgroup_sockopt = 25.</summary>
    cgroup_sockopt = 25,
    /// <summary>tracing = 26.</summary>
    tracing = 26,
    /// <summary>struct_ops = 27.</summary>
    struct_ops = 27,
    /// <summary>ext = 28.</summary>
    ext = 28,
    /// <summary>lsm = 29.</summary>
    lsm = 29,
    /// <summary>sk_lookup = 30.</summary>
    sk_lookup = 30,
    /// <summary>syscall = 31.</summary>
    syscall = 31,
    /// <summary>netfilter = 32.</summary>
    netfilter = 32,
}
#pragma warning restore CA1707
