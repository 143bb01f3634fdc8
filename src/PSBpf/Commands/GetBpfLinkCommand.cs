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

    /// <summary>Only the links pinned at these paths on bpffs (found again after the session that pinned them ended).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? PinnedPath { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IEnumerable<BpfLinkInfo> links;
        try
        {
            links = PinnedPath is not null ? ByPin() : Id is null ? BpfInspection.GetLinks() : ById();
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

    /// <summary>The links behind the -PinnedPath pins (narrowed by -Id when both are given); a bad pin is reported and skipped.</summary>
    private List<BpfLinkInfo> ByPin()
    {
        var ids = new List<uint>();
        foreach (var path in PinnedPath!)
        {
            var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            try
            {
                using var link = BpfKernelLink.OpenPinned(full);
                if (Id is null || Id.Contains(link.Id)) ids.Add(link.Id);
            }
            catch (Exception e) when (!IsStopException(e))
            {
                WriteBpfError(e, full);
            }
        }

        return ids.Count == 0 ? [] : FoundById(BpfInspection.GetLinks(ids), "link");
    }
}
