namespace PSBpf.Engine;

/// <summary>
/// The attach kinds, one row each: which programs each serves and what target it needs. A new kind is a link file
/// under Links/ with its public Attach entry point, a row here, and Add-BpfAttachment's parameters for its target.
/// </summary>
public static class BpfAttachKinds
{
    private static readonly string[] None = [];

    /// <summary>tracepoint programs: a perf event on a tracefs tracepoint (TracepointLink).</summary>
    public static BpfAttachKind Tracepoint { get; } = new("tracepoint", p => p.Type == BpfProgramType.tracepoint,
        "a tracepoint (\"category/name\")", ["Tracepoint"], ["Tracepoint"]);
    /// <summary>raw_tp programs (RawTracepointLink).</summary>
    public static BpfAttachKind RawTracepoint { get; } = new("raw_tracepoint", p => p.Type is BpfProgramType.raw_tracepoint or BpfProgramType.raw_tracepoint_writable,
        "a raw tracepoint name", ["Tracepoint"], ["Tracepoint"]);
    /// <summary>Iterators (IterLink): attached where the section says, read by opening the link.</summary>
    public static BpfAttachKind Iterator { get; } = new("iter", p => p.Type == BpfProgramType.tracing && p.ExpectedAttachType == BpfAttachType.trace_iter,
        null, None, None);
    /// <summary>tp_btf, fentry, fexit, fmod_ret, lsm and freplace programs (TracingLink): the target was fixed at load.</summary>
    public static BpfAttachKind Tracing { get; } = new("tracing", p =>
        (p.Type == BpfProgramType.tracing && p.ExpectedAttachType is BpfAttachType.trace_raw_tp or BpfAttachType.trace_fentry or BpfAttachType.trace_fexit or BpfAttachType.modify_return)
        || (p.Type == BpfProgramType.lsm && p.ExpectedAttachType == BpfAttachType.lsm_mac) || p.Type == BpfProgramType.ext, null, None, None);
    /// <summary>XDP programs on an interface (XdpLink).</summary>
    public static BpfAttachKind Xdp { get; } = new("xdp", p => p.Type == BpfProgramType.xdp, "an interface", ["Interface"], ["Interface"]);
    /// <summary>sched_cls programs: tcx links (TcxLink), or classic tc (TcClassicLink).</summary>
    public static BpfAttachKind Tc { get; } = new("tcx", p => p.Type == BpfProgramType.sched_cls,
        "an interface and a direction (tcx_ingress or tcx_egress)", ["Interface", "AttachType"], ["Interface", "AttachType"]);
    /// <summary>cgroup program types and sock_ops (CgroupLink, or CgroupProgAttachment with Legacy).</summary>
    public static BpfAttachKind Cgroup { get; } = new("cgroup", p => p.Type is BpfProgramType.cgroup_skb or BpfProgramType.cgroup_sock
        or BpfProgramType.cgroup_sock_addr or BpfProgramType.cgroup_sockopt or BpfProgramType.cgroup_sysctl or BpfProgramType.cgroup_device or BpfProgramType.sock_ops,
        "a cgroup and a hook (e.g. cgroup_inet_ingress)", ["CgroupPath", "AttachType"], ["CgroupPath", "AttachType"]);
    /// <summary>Socket filters on a socket (SocketFilterLink).</summary>
    public static BpfAttachKind SocketFilter { get; } = new("socket_filter", p => p.Type == BpfProgramType.socket_filter, "a socket", ["Socket"], ["Socket"]);
    /// <summary>uprobe/uretprobe programs (UprobeLink).</summary>
    public static BpfAttachKind Uprobe { get; } = new("uprobe", IsUprobe, "a binary and function", ["BinaryPath", "Symbol", "Offset"], ["BinaryPath", "Symbol"]);
    /// <summary>kprobe/kretprobe programs (KprobeLink).</summary>
    public static BpfAttachKind Kprobe { get; } = new("kprobe", IsKprobe, "a kernel function", ["Symbol"], ["Symbol"]);
    /// <summary>ksyscall/kretsyscall programs: a kprobe on the system call's wrapper (KprobeLink.AttachSyscall).</summary>
    public static BpfAttachKind Ksyscall { get; } = new("ksyscall", p => p.Type == BpfProgramType.kprobe && p.ExpectedAttachType is null
        && (p.SectionName.StartsWith("ksyscall", StringComparison.Ordinal) || p.SectionName.StartsWith("kretsyscall", StringComparison.Ordinal)),
        "a system call name", ["Symbol"], ["Symbol"]);
    /// <summary>kprobe.multi/kretprobe.multi programs: one link on many kernel functions (KprobeMultiLink).</summary>
    public static BpfAttachKind KprobeMulti { get; } = new("kprobe_multi", p => p.Type == BpfProgramType.kprobe && p.ExpectedAttachType == BpfAttachType.trace_kprobe_multi,
        "a kernel function pattern", ["Symbol"], ["Symbol"]);
    /// <summary>uprobe.multi/uretprobe.multi programs: one link on many functions of a binary (UprobeMultiLink).</summary>
    public static BpfAttachKind UprobeMulti { get; } = new("uprobe_multi", p => p.Type == BpfProgramType.kprobe && p.ExpectedAttachType == BpfAttachType.trace_uprobe_multi,
        "a binary and a function pattern", ["BinaryPath", "Symbol", "ProcessId"], ["BinaryPath", "Symbol"]);
    /// <summary>usdt programs (<c>&lt;bpf/usdt.bpf.h&gt;</c>) on a USDT probe (UsdtLink).</summary>
    public static BpfAttachKind Usdt { get; } = new("usdt", p => p.Type == BpfProgramType.kprobe && p.ExpectedAttachType is null
        && (p.SectionDefinition?.Flags & BpfSectionFlags.Usdt) != 0,
        "a binary, a provider and a probe name", ["BinaryPath", "UsdtProvider", "UsdtProbe", "ProcessId", "UsdtCookie"], ["BinaryPath", "Provider", "Probe"]);
    /// <summary>sk_lookup programs on a network namespace (SkLookupLink).</summary>
    public static BpfAttachKind SkLookup { get; } = new("sk_lookup", p => p.Type == BpfProgramType.sk_lookup,
        "a network namespace", ["NetworkNamespace"], ["NetworkNamespace"]);
    /// <summary>flow_dissector programs on a network namespace (FlowDissectorLink).</summary>
    public static BpfAttachKind FlowDissector { get; } = new("flow_dissector", p => p.Type == BpfProgramType.flow_dissector,
        "a network namespace", ["NetworkNamespace"], ["NetworkNamespace"]);
    /// <summary>netfilter programs on a hook (NetfilterLink).</summary>
    public static BpfAttachKind Netfilter { get; } = new("netfilter", p => p.Type == BpfProgramType.netfilter,
        "a netfilter hook", ["NetfilterHook", "NetfilterFamily", "NetfilterPriority"], ["NetfilterHook", "ProtocolFamily", "Priority"]);
    /// <summary>perf_event programs sampling on every CPU (PerfSampleLink); the event defaults to cpu-clock at 99 Hz.</summary>
    public static BpfAttachKind PerfEvent { get; } = new("perf_event", p => p.Type == BpfProgramType.perf_event, null, ["PerfEvent", "Cpus"], ["PerfEvent", "Cpu"]);
    /// <summary>sk_skb and sk_msg programs on a sockmap or sockhash (SockMapLink).</summary>
    public static BpfAttachKind SockMap { get; } = new("sockmap", p => p.Type is BpfProgramType.sk_skb or BpfProgramType.sk_msg,
        "a sockmap or sockhash map (and, for a bare sk_skb section, an attach type)", ["SockMap", "AttachType"], ["Map", "AttachType"]);
    /// <summary>sk_reuseport programs on a socket's SO_REUSEPORT group (ReuseportLink).</summary>
    public static BpfAttachKind Reuseport { get; } = new("sk_reuseport", p => p.Type == BpfProgramType.sk_reuseport, "a socket with SO_REUSEPORT", ["Socket"], ["Socket"]);

    /// <summary>lwt_in, lwt_out, lwt_xmit and lwt_seg6local programs on a route they come with (LwtRouteLink).</summary>
    public static BpfAttachKind Lwt { get; } = new("lwt", p => p.Type is BpfProgramType.lwt_in or BpfProgramType.lwt_out or BpfProgramType.lwt_xmit or BpfProgramType.lwt_seg6local,
        "a route to create and its interface", ["Route", "Interface", "Gateway", "NetworkNamespace"], ["Route", "Interface"]);

    /// <summary>Every kind, in the order a program is matched against them.</summary>
    public static IReadOnlyList<BpfAttachKind> All { get; } =
        [Tracepoint, RawTracepoint, Iterator, Tracing, Xdp, Tc, Cgroup, SocketFilter, Uprobe, Kprobe, Ksyscall, KprobeMulti, UprobeMulti, Usdt, SkLookup, FlowDissector, Netfilter, SockMap, Reuseport, Lwt, PerfEvent];

    /// <summary>The kind a program attaches as, or null when this build cannot attach it.</summary>
    public static BpfAttachKind? Of(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return All.FirstOrDefault(k => k.Serves(program));
    }

    private static bool IsUprobe(BpfProgram p) => p.Type == BpfProgramType.kprobe && p.ExpectedAttachType is null
        && (p.SectionName.StartsWith("uprobe", StringComparison.Ordinal) || p.SectionName.StartsWith("uretprobe", StringComparison.Ordinal))
        && !p.SectionName.Contains(".multi", StringComparison.Ordinal) && !p.SectionName.Contains(".session", StringComparison.Ordinal);

    private static bool IsKprobe(BpfProgram p) => p.Type == BpfProgramType.kprobe && p.ExpectedAttachType is null
        && (p.SectionName.StartsWith("kprobe", StringComparison.Ordinal) || p.SectionName.StartsWith("kretprobe", StringComparison.Ordinal));
}
