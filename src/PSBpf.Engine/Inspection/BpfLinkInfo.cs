namespace PSBpf.Engine;

/// <summary>
/// A link in the kernel, as <c>bpftool link show</c> describes it: plain data, no handles. The target fields that apply
/// depend on <see cref="Type"/>; the others are null. <see cref="Target"/> sums the target up in one line.
/// </summary>
public sealed record BpfLinkInfo
{
    /// <summary>Kernel link id.</summary>
    public uint Id { get; init; }
    /// <summary>Link type; member names are bpftool's.</summary>
    public BpfLinkType Type { get; init; }
    /// <summary>Id of the attached program (0 for struct_ops links).</summary>
    public uint ProgramId { get; init; }
    /// <summary>What the link is attached to, in one line (e.g. "tracepoint sys_enter_write", "ifindex 1 (lo)").</summary>
    public string Target { get; init; } = string.Empty;
    /// <summary>Attach type (tracing, cgroup, netns, tcx, netkit, sockmap links).</summary>
    public BpfAttachType? AttachType { get; init; }
    /// <summary>Tracepoint name (raw_tracepoint links, perf_event tracepoints).</summary>
    public string? TracepointName { get; init; }
    /// <summary>Kernel function (perf_event kprobes) or file (perf_event uprobes) probed.</summary>
    public string? ProbeTarget { get; init; }
    /// <summary>Offset into <see cref="ProbeTarget"/> (perf_event probes).</summary>
    public ulong? ProbeOffset { get; init; }
    /// <summary>Address probed (perf_event kprobes; 0 unless the reader may see kernel addresses).</summary>
    public ulong? ProbeAddress { get; init; }
    /// <summary>What a perf_event link is attached to.</summary>
    public BpfPerfEventType? PerfEventType { get; init; }
    /// <summary>BPF cookie (raw_tracepoint, tracing, perf_event links).</summary>
    public ulong? Cookie { get; init; }
    /// <summary>Target object id (tracing links: BTF object id, or the program id for freplace).</summary>
    public uint? TargetObjectId { get; init; }
    /// <summary>BTF type id of the target inside <see cref="TargetObjectId"/> (tracing links).</summary>
    public uint? TargetBtfId { get; init; }
    /// <summary>Cgroup id (cgroup links, cgroup iterators).</summary>
    public ulong? CgroupId { get; init; }
    /// <summary>Network namespace inode (netns links).</summary>
    public uint? NetnsInode { get; init; }
    /// <summary>Network interface index (xdp, tcx, netkit links).</summary>
    public uint? IfIndex { get; init; }
    /// <summary>Network interface name for <see cref="IfIndex"/>, when the interface is visible here.</summary>
    public string? InterfaceName { get; init; }
    /// <summary>Map id (struct_ops and sockmap links, map iterators).</summary>
    public uint? MapId { get; init; }
    /// <summary>Iterator target (iter links), e.g. "task", "bpf_map_elem".</summary>
    public string? IterTarget { get; init; }
    /// <summary>Netfilter protocol family (2 = IPv4, 10 = IPv6).</summary>
    public uint? NetfilterProtocolFamily { get; init; }
    /// <summary>Netfilter hook number.</summary>
    public uint? NetfilterHook { get; init; }
    /// <summary>Netfilter hook priority.</summary>
    public int? NetfilterPriority { get; init; }
    /// <summary>Netfilter flags.</summary>
    public uint? NetfilterFlags { get; init; }
    /// <summary>Number of functions (kprobe_multi) or offsets (uprobe_multi) attached.</summary>
    public uint? Count { get; init; }
    /// <summary>Link flags (kprobe_multi: 1 = return probes; uprobe_multi: 1 = return probes).</summary>
    public uint? LinkFlags { get; init; }
    /// <summary>Process the uprobe_multi link is restricted to, 0 for all.</summary>
    public uint? ProcessId { get; init; }
    /// <summary>Processes holding a link fd (best effort).</summary>
    public BpfProcessRef[] Pids { get; init; } = [];
    /// <summary>Paths on bpffs mounts where it is pinned (like <c>bpftool -f</c>).</summary>
    public string[] PinnedPaths { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {Type} prog {ProgramId} {Target}";
}
