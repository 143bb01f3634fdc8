using System.Management.Automation;
using PSBpf.Engine;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfLink: the links in the kernel (like <c>bpftool link show</c>): what each attached program is attached to.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfLink")]
[OutputType(typeof(BpfLinkInfo))]
public sealed class GetBpfLinkCommand : InspectionCmdletBase
{
    /// <summary>Kernel link ids.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public uint[]? Id { get; set; }

    /// <summary>Only links of these program ids.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public uint[]? ProgramId { get; set; }

    /// <summary>Only links of these types (bpftool names: perf_event, tracing, xdp, tcx, …).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public BpfLinkType[]? Type { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IEnumerable<BpfLinkInfo> links;
        try
        {
            links = Id is null ? BpfInspection.GetLinks() : ById();
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteInspectionError(e, "link");
            return;
        }

        foreach (var l in links)
        {
            if (CancellationToken.IsCancellationRequested) return;
            if ((ProgramId is null || ProgramId.Contains(l.ProgramId)) && (Type is null || Type.Contains(l.Type))) WriteObject(l);
        }
    }

    private List<BpfLinkInfo> ById() => FoundById(BpfInspection.GetLinks(Id!), "link");
}
