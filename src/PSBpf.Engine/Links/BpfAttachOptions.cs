using System.Net.Sockets;

namespace PSBpf.Engine;

/// <summary>
/// Explicit attach targets for <see cref="BpfProgram.Attach(BpfAttachOptions)"/>. Only the members the program's type
/// uses are read; anything left null comes from the SEC() name where it says.
/// </summary>
public sealed record BpfAttachOptions
{
    /// <summary>Network interface name (XDP, tcx).</summary>
    public string? Interface { get; init; }
    /// <summary>XDP mode (XDP only).</summary>
    public BpfXdpMode XdpMode { get; init; }
    /// <summary>cgroup v2 directory (cgroup program types), e.g. /sys/fs/cgroup/my.slice.</summary>
    public string? CgroupPath { get; init; }
    /// <summary>Executable or shared library to probe (uprobes); a bare name is looked up in $PATH.</summary>
    public string? BinaryPath { get; init; }
    /// <summary>Function to probe (uprobes: an ELF symbol of <see cref="BinaryPath"/>; kprobes: a kernel function).</summary>
    public string? Symbol { get; init; }
    /// <summary>Byte offset added to <see cref="Symbol"/>, or the file offset itself when there is no symbol (uprobes).</summary>
    public ulong Offset { get; init; }
    /// <summary>Only this process (uprobes); null: every process.</summary>
    public int? ProcessId { get; init; }
    /// <summary>Probe the return instead of the entry (null: as the SEC() name says).</summary>
    public bool? Retprobe { get; init; }
    /// <summary>Socket to filter (socket_filter programs), or whose SO_REUSEPORT group to select for (sk_reuseport); the caller keeps owning it.</summary>
    public Socket? Socket { get; init; }
    /// <summary>Sockmap or sockhash (sk_skb and sk_msg programs) the program attaches to.</summary>
    public BpfMap? SockMap { get; init; }
    /// <summary>Attach type where the program's own is missing or another is wanted (tcx_ingress/tcx_egress, cgroup hooks).</summary>
    public BpfAttachType? AttachType { get; init; }
    /// <summary>Tracepoint to attach to instead of the SEC() name's: "category/name" for tracepoints, "name" for raw ones.</summary>
    public string? Tracepoint { get; init; }
    /// <summary>
    /// Network namespace, as a path (/proc/PID/ns/net, /run/netns/NAME) or an `ip netns` name: required for sk_lookup and
    /// flow_dissector (the namespace the link is on); for netfilter, the namespace whose hook it is, and for lwt, the
    /// namespace whose route it is, and for XDP and tc (tcx or classic), the namespace of <see cref="Interface"/> (null: the caller's).
    /// </summary>
    public string? NetworkNamespace { get; init; }
    /// <summary>Netfilter protocol family (netfilter programs); default ipv4.</summary>
    public BpfNetfilterFamily NetfilterFamily { get; init; } = BpfNetfilterFamily.ipv4;
    /// <summary>Netfilter hook (netfilter programs; required).</summary>
    public BpfNetfilterHook? NetfilterHook { get; init; }
    /// <summary>Netfilter priority (netfilter programs): lower runs first; default 0.</summary>
    public int NetfilterPriority { get; init; }
    /// <summary>Let the netfilter hook see defragmented packets (BPF_F_NETFILTER_IP_DEFRAG, kernel 6.6+).</summary>
    public bool NetfilterDefrag { get; init; }
    /// <summary>The event perf_event programs sample (null: software cpu-clock at 99 Hz).</summary>
    public BpfPerfEventSpec? PerfEvent { get; init; }
    /// <summary>CPUs perf_event programs sample, one event each (null or empty: every online CPU).</summary>
    public IReadOnlyCollection<int>? Cpus { get; init; }
    /// <summary>
    /// Attach without a BPF link, as kernels before links did: BPF_PROG_ATTACH for cgroups, PERF_EVENT_IOC_SET_BPF for
    /// perf_event programs. Without it, these fall back by themselves when the kernel has no such link.
    /// </summary>
    public bool Legacy { get; init; }
    /// <summary>
    /// sched_cls programs: tcx links, classic tc (clsact qdisc + cls_bpf direct-action filter), or Auto (tcx, classic
    /// where the kernel has no tcx). The direction is <see cref="AttachType"/> tcx_ingress or tcx_egress in both modes.
    /// </summary>
    public BpfTcMode TcMode { get; init; }
    /// <summary>Classic tc filter handle; 0: the kernel picks one.</summary>
    public uint TcHandle { get; init; }
    /// <summary>Classic tc filter priority ("pref"); 0: the kernel picks one.</summary>
    public ushort TcPriority { get; init; }
    /// <summary>tcx: run before the attached program with this id (0: first of all). Excludes <see cref="TcxAfter"/>.</summary>
    public uint? TcxBefore { get; init; }
    /// <summary>tcx: run after the attached program with this id (0: last of all). Excludes <see cref="TcxBefore"/>.</summary>
    public uint? TcxAfter { get; init; }
    /// <summary>lwt programs: the route to create, a prefix (10.77.0.0/24, fc00::1/128) or one address; with <see cref="Interface"/>.</summary>
    public string? Route { get; init; }
    /// <summary>lwt programs: the route's gateway (null: a route straight onto the link).</summary>
    public string? Gateway { get; init; }
    /// <summary>USDT: the probe's provider (with <see cref="UsdtProbe"/> and <see cref="BinaryPath"/>).</summary>
    public string? UsdtProvider { get; init; }
    /// <summary>USDT: the probe's name.</summary>
    public string? UsdtProbe { get; init; }
    /// <summary>USDT: what bpf_usdt_cookie() returns in the program.</summary>
    public ulong UsdtCookie { get; init; }
}
