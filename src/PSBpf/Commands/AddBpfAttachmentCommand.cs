using System.Management.Automation;
using System.Net.Sockets;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Add-BpfAttachment: attaches loaded programs. Without a target each program goes where its SEC() name says
/// (auto-attach); the target parameters name an interface, cgroup, binary and function, socket or tracepoint.
/// Writes one BpfLink per attachment; the links are remembered per program, so Remove-BpfAttachment -Object finds them.
/// </summary>
[Cmdlet(VerbsCommon.Add, "BpfAttachment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(BpfLink))]
public sealed class AddBpfAttachmentCommand : BpfCmdletBase
{
    private const string ObjectSet = "Object";
    private const string ProgramSet = "Program";

    /// <summary>A loaded object: every loaded program of it is attached.</summary>
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

    /// <summary>Network interface for XDP and tcx programs.</summary>
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

    /// <summary>Function to probe (uprobes: ELF symbol; kprobes: kernel function).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Symbol { get; set; }

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

    /// <summary>Socket for socket_filter programs.</summary>
    [Parameter]
    [ValidateNotNull]
    public Socket? Socket { get; set; }

    /// <summary>Attach type where the program's own is missing or another is wanted (tcx_ingress, cgroup_inet_egress, …).</summary>
    [Parameter]
    public BpfAttachType AttachType { get; set; }

    /// <summary>Tracepoint instead of the section name's ("category/name", or "name" for raw tracepoints).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tracepoint { get; set; }

    private bool HasTarget =>
        Interface is not null || CgroupPath is not null || BinaryPath is not null || Symbol is not null || Socket is not null || Tracepoint is not null;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ProgramSet)
        {
            Attach(Program, explicitTarget: HasTarget);
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
        foreach (var p in programs)
        {
            if (p.CanAutoAttach) Attach(p, explicitTarget: false);
            else if (HasTarget) Attach(p, explicitTarget: true);
            else needTarget.Add($"{p.Name} ({p.Type}, SEC(\"{p.SectionName}\"))");
        }

        if (needTarget.Count > 0)
        {
            WriteWarning($"Not attached, the section name names no target: {string.Join(", ", needTarget)}. Attach them with -Program and -Interface, -CgroupPath, -BinaryPath/-Symbol or -Socket.");
        }
    }

    private void Attach(BpfProgram program, bool explicitTarget)
    {
        string where = explicitTarget ? DescribeTarget() : $"SEC(\"{program.SectionName}\")";
        if (!ShouldProcess($"program '{program.Name}' ({program.Type})", $"Attach to {where}")) return;
        try
        {
            // empty options mean "as the section says", so auto-attach and explicit targets take one path
            var link = program.Attach(Options());
            WriteObject(link);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            var info = BpfErrorClassifier.ClassifyAttach(e, program.Name);
            WriteBpfError(e, info, program);
        }
    }

    private BpfAttachOptions Options() => new()
    {
        Interface = Interface,
        XdpMode = Mode,
        CgroupPath = CgroupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CgroupPath),
        BinaryPath = BinaryPath is null || !BinaryPath.Contains('/', StringComparison.Ordinal) ? BinaryPath : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BinaryPath),
        Symbol = Symbol,
        Offset = Offset,
        ProcessId = ProcessId >= 0 ? ProcessId : null,
        Retprobe = Retprobe.IsPresent ? true : null,
        Socket = Socket,
        AttachType = MyInvocation.BoundParameters.ContainsKey(nameof(AttachType)) ? AttachType : null,
        Tracepoint = Tracepoint,
    };

    private string DescribeTarget()
    {
        var parts = new List<string>();
        if (Interface is not null) parts.Add($"interface {Interface}");
        if (CgroupPath is not null) parts.Add($"cgroup {CgroupPath}");
        if (BinaryPath is not null || Symbol is not null) parts.Add($"{BinaryPath}:{Symbol}");
        if (Socket is not null) parts.Add("socket");
        if (Tracepoint is not null) parts.Add($"tracepoint {Tracepoint}");
        return string.Join(", ", parts);
    }
}
