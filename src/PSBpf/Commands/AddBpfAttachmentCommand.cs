using System.Management.Automation;
using System.Net.Sockets;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Add-BpfAttachment: attaches loaded programs. Without a target each program goes where its SEC() name says
/// (auto-attach); the target parameters name an interface, cgroup, binary and function, socket, tracepoint, network
/// namespace, netfilter hook or perf event.
/// Writes one BpfLink per attachment; the links are remembered per program, so Remove-BpfAttachment -Object finds them.
/// </summary>
[Cmdlet(VerbsCommon.Add, "BpfAttachment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(BpfLink))]
public sealed class AddBpfAttachmentCommand : BpfCmdletBase
{
    private const string ObjectSet = "Object";
    private const string ProgramSet = "Program";

    /// <summary>A loaded object: every loaded program of it is attached, and its struct_ops maps are registered.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    [ValidateNotNull]
    public BpfObject InputObject { get; set; } = null!;

    /// <summary>One loaded program.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ProgramSet)]
    [ValidateNotNull]
    public BpfProgram Program { get; set; } = null!;

    /// <summary>Only the object's programs with these names (wildcards).</summary>
    [Parameter(ParameterSetName = ObjectSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ProgramNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Network interface for XDP and tcx programs, and the lwt route's interface.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>XDP mode.</summary>
    [Parameter]
    public BpfXdpMode Mode { get; set; }

    /// <summary>cgroup v2 directory for cgroup programs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.CgroupPathCompleter))]
    public string? CgroupPath { get; set; }

    /// <summary>Executable or library for uprobes.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BinaryPath { get; set; }

    /// <summary>Function to probe (uprobes: ELF symbol; kprobes: kernel function; .multi kinds: a glob pattern; ksyscall: a system call).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Symbol { get; set; }

    /// <summary>USDT programs: the probe's provider (with -BinaryPath and -Probe).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Provider { get; set; }

    /// <summary>USDT programs: the probe's name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Probe { get; set; }

    /// <summary>USDT programs: what bpf_usdt_cookie() returns.</summary>
    [Parameter]
    public ulong Cookie { get; set; }

    /// <summary>Offset added to -Symbol, or the file offset without one.</summary>
    [Parameter]
    public ulong Offset { get; set; }

    /// <summary>Only this process (uprobes).</summary>
    [Parameter]
    [Alias("Pid")]
    public int ProcessId { get; set; } = -1;

    /// <summary>Probe function returns instead of entries.</summary>
    [Parameter]
    public SwitchParameter Retprobe { get; set; }

    /// <summary>Socket for socket_filter programs, or whose SO_REUSEPORT group sk_reuseport programs select for.</summary>
    [Parameter]
    [ValidateNotNull]
    public Socket? Socket { get; set; }

    /// <summary>Sockmap or sockhash for sk_skb and sk_msg programs.</summary>
    [Parameter]
    [ValidateNotNull]
    public BpfMap? Map { get; set; }

    /// <summary>Attach type where the program's own is missing or another is wanted (tcx_ingress, cgroup_inet_egress, …).</summary>
    [Parameter]
    public BpfAttachType AttachType { get; set; }

    /// <summary>Tracepoint instead of the section name's ("category/name", or "name" for raw tracepoints).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tracepoint { get; set; }

    /// <summary>Network namespace (path or `ip netns` name): sk_lookup and flow_dissector programs attach to it; netfilter hooks, lwt routes and the -Interface of XDP and tc programs are in it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NetworkNamespace { get; set; }

    /// <summary>lwt programs: the route to create with the program on it (a prefix such as 10.77.0.0/24, or an address).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Route { get; set; }

    /// <summary>lwt programs: the route's gateway.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Gateway { get; set; }

    /// <summary>Netfilter hook for netfilter programs.</summary>
    [Parameter]
    public BpfNetfilterHook NetfilterHook { get; set; }

    /// <summary>Netfilter protocol family (ipv4 or ipv6).</summary>
    [Parameter]
    public BpfNetfilterFamily ProtocolFamily { get; set; } = BpfNetfilterFamily.ipv4;

    /// <summary>Netfilter hook priority; lower runs first.</summary>
    [Parameter]
    public int Priority { get; set; }

    /// <summary>Netfilter hooks see defragmented packets.</summary>
    [Parameter]
    public SwitchParameter Defrag { get; set; }

    /// <summary>The perf event perf_event programs sample (a BpfPerfEventSpec, or a hashtable of its properties).</summary>
    [Parameter]
    [ValidateNotNull]
    public BpfPerfEventSpec? PerfEvent { get; set; }

    /// <summary>CPUs perf_event programs sample; default every online CPU.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? Cpu { get; set; }

    /// <summary>tcx links, classic tc (clsact + cls_bpf) or Auto.</summary>
    [Parameter]
    public BpfTcMode TcMode { get; set; }

    /// <summary>Classic tc filter handle (0: the kernel picks).</summary>
    [Parameter]
    public uint TcHandle { get; set; }

    /// <summary>Classic tc filter priority (0: the kernel picks).</summary>
    [Parameter]
    public ushort TcPriority { get; set; }

    /// <summary>tcx: run before the attached program with this id (0: first).</summary>
    [Parameter]
    public uint TcxBefore { get; set; }

    /// <summary>tcx: run after the attached program with this id (0: last).</summary>
    [Parameter]
    public uint TcxAfter { get; set; }

    /// <summary>Attach without BPF links (BPF_PROG_ATTACH for cgroups, PERF_EVENT_IOC_SET_BPF for perf events).</summary>
    [Parameter]
    public SwitchParameter Legacy { get; set; }

    /// <summary>
    /// Pins the new link on bpffs so it outlives the session: with -Program the pin's path, with an object a directory
    /// in which each link is pinned under its program's name.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PinPath { get; set; }

    private bool HasTarget =>
        Interface is not null || CgroupPath is not null || BinaryPath is not null || Symbol is not null || Provider is not null || Probe is not null || Socket is not null || Map is not null || Tracepoint is not null
        || NetworkNamespace is not null || Route is not null || MyInvocation.BoundParameters.ContainsKey(nameof(NetfilterHook)) || PerfEvent is not null || Cpu is not null;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // One scope per input: Ctrl+C (also at a -Confirm prompt) detaches what this input attached so far, so an
        // auto-attach either finishes or leaves nothing; a program the kernel refuses is reported and the rest go on.
        using var scope = new BpfAttachScope(CancellationToken);
        string? pinPath = PinPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(PinPath);
        if (ParameterSetName == ProgramSet)
        {
            Attach(scope, Program, explicitTarget: HasTarget, pinPath);
            WriteObject(scope.Complete(), enumerateCollection: true);
            return;
        }

        var names = (Name ?? ["*"]).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var programs = InputObject.Programs.Where(p => p.Id is not null && names.Any(n => n.IsMatch(p.Name))).ToList();
        if (!InputObject.IsLoaded)
        {
            WriteBpfError(new BpfNotLoadedException($"BPF object '{InputObject.Name}'"), InputObject);
            return;
        }

        var needTarget = new List<string>();
        var unsupported = new List<string>();
        foreach (var p in programs.Where(p => p.Type != BpfProgramType.struct_ops))
        {
            string? pin = pinPath is null ? null : System.IO.Path.Join(pinPath, p.Name);
            if (p.CanAutoAttach) Attach(scope, p, explicitTarget: false, pin);
            else if (HasTarget) Attach(scope, p, explicitTarget: true, pin);
            else if (p.Type == BpfProgramType.syscall) WriteVerbose($"Not attached: {p.Name} is a syscall program, which runs when called (Invoke-BpfProgram), as libbpf's skeleton attach skips it.");
            else if (BpfAttachKinds.Of(p) is { Target: not null } kind) needTarget.Add($"{p.Name} ({p.Type}, SEC(\"{p.SectionName}\")): it needs {kind.Target}, -Program with {kind.ParameterHint}");
            else unsupported.Add($"{p.Name} ({p.Type}, SEC(\"{p.SectionName}\"))");
        }

        // struct_ops programs run through their maps: each created struct_ops map is registered (skeleton attach)
        foreach (var m in InputObject.Maps.Where(m => m.StructOpsType is not null && m.Id is not null && names.Any(n => n.IsMatch(m.Name))))
        {
            string? pin = pinPath is null || (m.Flags & BpfMapFlags.Link) == 0 ? null : System.IO.Path.Join(pinPath, m.Name); // only BPF_F_LINK maps make a link to pin
            AttachStructOps(scope, m, pin);
        }

        WriteObject(scope.Complete(), enumerateCollection: true);
        if (needTarget.Count > 0)
        {
            // the hints come from the engine's table of attach kinds, as its "needs a target" errors do
            WriteWarning($"Not attached, the section name names no target: {string.Join("; ", needTarget)}.");
        }

        if (unsupported.Count > 0) WriteWarning($"Not attached, this build cannot attach programs of their kind: {string.Join("; ", unsupported)}.");
    }

    private void Attach(BpfAttachScope scope, BpfProgram program, bool explicitTarget, string? pinPath)
    {
        string where = explicitTarget ? DescribeTarget() : $"SEC(\"{program.SectionName}\")";
        if (pinPath is not null) where += $", pinned at {pinPath}";
        if (!ShouldProcess($"program '{program.Name}' ({program.Type})", $"Attach to {where}")) return;
        try
        {
            // empty options mean "as the section says", so auto-attach and explicit targets take one path
            scope.Attach(program, Options(), pinPath);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            var info = BpfErrorClassifier.ClassifyAttach(e, program.Name);
            WriteBpfError(e, info, program);
        }
    }

    private void AttachStructOps(BpfAttachScope scope, BpfMap map, string? pinPath)
    {
        if (!ShouldProcess($"struct_ops map '{map.Name}' ({map.StructOpsType})", "Register")) return;
        try
        {
            scope.Attach(map, pinPath);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, BpfErrorClassifier.ClassifyAttach(e, map.Name), map);
        }
    }

    private BpfAttachOptions Options() => new()
    {
        Interface = Interface,
        XdpMode = Mode,
        CgroupPath = CgroupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CgroupPath),
        BinaryPath = BinaryPath is null || !BinaryPath.Contains('/', StringComparison.Ordinal) ? BinaryPath : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BinaryPath),
        Symbol = Symbol,
        UsdtProvider = Provider,
        UsdtProbe = Probe,
        UsdtCookie = Cookie,
        Offset = Offset,
        ProcessId = ProcessId >= 0 ? ProcessId : null,
        Retprobe = Retprobe.IsPresent ? true : null,
        Socket = Socket,
        SockMap = Map,
        AttachType = MyInvocation.BoundParameters.ContainsKey(nameof(AttachType)) ? AttachType : null,
        Tracepoint = Tracepoint,
        NetworkNamespace = NetworkNamespace is null || !NetworkNamespace.Contains('/', StringComparison.Ordinal) ? NetworkNamespace : SessionState.Path.GetUnresolvedProviderPathFromPSPath(NetworkNamespace),
        Route = Route,
        Gateway = Gateway,
        NetfilterHook = MyInvocation.BoundParameters.ContainsKey(nameof(NetfilterHook)) ? NetfilterHook : null,
        NetfilterFamily = ProtocolFamily,
        NetfilterPriority = Priority,
        NetfilterDefrag = Defrag.IsPresent,
        PerfEvent = PerfEvent,
        Cpus = Cpu,
        TcMode = TcMode,
        TcHandle = TcHandle,
        TcPriority = TcPriority,
        Legacy = Legacy.IsPresent,
        TcxBefore = MyInvocation.BoundParameters.ContainsKey(nameof(TcxBefore)) ? TcxBefore : null,
        TcxAfter = MyInvocation.BoundParameters.ContainsKey(nameof(TcxAfter)) ? TcxAfter : null,
    };

    private string DescribeTarget()
    {
        var parts = new List<string>();
        if (Route is not null) parts.Add($"route {Route}{(Gateway is null ? "" : $" via {Gateway}")}");
        if (Interface is not null) parts.Add($"interface {Interface}");
        if (CgroupPath is not null) parts.Add($"cgroup {CgroupPath}");
        if (Provider is not null || Probe is not null) parts.Add($"usdt {BinaryPath}:{Provider}:{Probe}");
        else if (BinaryPath is not null || Symbol is not null) parts.Add($"{BinaryPath}:{Symbol}");
        if (Socket is not null) parts.Add("socket");
        if (Map is not null) parts.Add($"map {Map.Name}");
        if (Tracepoint is not null) parts.Add($"tracepoint {Tracepoint}");
        if (NetworkNamespace is not null) parts.Add($"network namespace {NetworkNamespace}");
        if (MyInvocation.BoundParameters.ContainsKey(nameof(NetfilterHook))) parts.Add($"netfilter {ProtocolFamily} {NetfilterHook} prio {Priority}");
        if (PerfEvent is not null) parts.Add($"perf event {PerfEvent}");
        if (Cpu is not null) parts.Add($"CPUs {string.Join(',', Cpu)}");
        return string.Join(", ", parts);
    }
}
