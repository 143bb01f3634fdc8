using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Module;

namespace PSBpf.Commands;

/// <summary>
/// Remove-BpfAttachment: detaches links from Add-BpfAttachment, every link made for a program or an object, or links in
/// the kernel found by id, from Get-BpfLink, every link of a kernel program from Get-BpfProgram, or by their pin (links
/// pinned by an earlier session or another process), or attachments from Get-BpfNetAttachment and Get-BpfCgroupAttachment
/// (through their link where one holds them, else as they were made: netlink for XDP and tc filters, BPF_PROG_DETACH).
/// A pinned link is unpinned as well: the pin is what would keep it attached.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfAttachment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = LinkSet)]
[OutputType(typeof(void))]
public sealed class RemoveBpfAttachmentCommand : BpfCmdletBase
{
    private const string LinkSet = "Link";
    private const string ProgramSet = "Program";
    private const string ObjectSet = "Object";
    private const string IdSet = "Id";
    private const string LinkInfoSet = "LinkInfo";
    private const string PinnedPathSet = "PinnedPath";
    private const string KernelProgramSet = "KernelProgram";
    private const string NetAttachmentSet = "NetAttachment";
    private const string CgroupAttachmentSet = "CgroupAttachment";

    /// <summary>Links to detach, from Add-BpfAttachment.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = LinkSet)]
    [ValidateNotNull]
    public BpfLink[] InputObject { get; set; } = null!;

    /// <summary>A program whose links (made by this session) are all detached.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ProgramSet)]
    [ValidateNotNull]
    public BpfProgram Program { get; set; } = null!;

    /// <summary>An object whose programs' links are all detached.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    [ValidateNotNull]
    public BpfObject Object { get; set; } = null!;

    /// <summary>Kernel link ids (as Get-BpfLink and bpftool link show list them).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ValidateNotNullOrEmpty]
    public uint[] Id { get; set; } = null!;

    /// <summary>Links in the kernel, from Get-BpfLink.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = LinkInfoSet)]
    [ValidateNotNull]
    public BpfLinkInfo[] LinkInfo { get; set; } = null!;

    /// <summary>Programs in the kernel, from Get-BpfProgram: every BPF link of each is detached.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = KernelProgramSet)]
    [ValidateNotNull]
    public BpfProgramInfo[] KernelProgram { get; set; } = null!;

    /// <summary>Attachments to interfaces and network namespaces, from Get-BpfNetAttachment (whoever made them).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = NetAttachmentSet)]
    [ValidateNotNull]
    public BpfNetAttachment[] NetAttachment { get; set; } = null!;

    /// <summary>Attachments to cgroups, from Get-BpfCgroupAttachment (without -Effective: effective entries may be an ancestor's).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = CgroupAttachmentSet)]
    [ValidateNotNull]
    public BpfCgroupAttachment[] CgroupAttachment { get; set; } = null!;

    /// <summary>Paths on bpffs where links are pinned.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PinnedPathSet)]
    [ValidateNotNullOrEmpty]
    public string[] PinnedPath { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case IdSet:
                foreach (var id in Id) RemoveKernelLink(id);
                return;
            case LinkInfoSet:
                foreach (var info in LinkInfo) RemoveKernelLink(info.Id);
                return;
            case PinnedPathSet:
                foreach (var path in PinnedPath) RemovePinnedLink(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
                return;
            case KernelProgramSet:
                RemoveProgramLinks();
                return;
            case NetAttachmentSet:
                foreach (var a in NetAttachment)
                {
                    if (a.LinkId is { } id) RemoveKernelLink(id);
                    else RemoveUnlinked(a, () => BpfNetInspection.Detach(a));
                }

                return;
            case CgroupAttachmentSet:
                foreach (var a in CgroupAttachment)
                {
                    if (a.LinkId is { } id) RemoveKernelLink(id);
                    else RemoveUnlinked(a, () => BpfCgroupInspection.Detach(a));
                }

                return;
        }

        IEnumerable<BpfLink> links = ParameterSetName switch
        {
            ProgramSet => Program.GetLinks(),
            ObjectSet => Object.GetLinks(),
            _ => InputObject,
        };

        foreach (var link in links) RemoveSessionLink(link);
    }

    private void RemoveSessionLink(BpfLink link)
    {
        if (!link.IsAttached && link.PinPath is null)
        {
            WriteVerbose($"{link} is already detached.");
            return;
        }

        string action = link.PinPath is { } pin ? $"Unpin from {pin} and detach" : "Detach";
        if (!ShouldProcess(link.ToString(), action)) return;
        try
        {
            link.Unpin();
            link.Dispose();
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, new BpfErrorInfo(BpfErrorIds.AttachFailed, BpfErrorCategory.InvalidOperation, $"Cannot detach {link}: {e.Message}"), link);
        }
    }

    /// <summary>An attachment no link holds: detached where it was made, as its kind is (netlink, BPF_PROG_DETACH).</summary>
    private void RemoveUnlinked(object attachment, Action detach)
    {
        if (!ShouldProcess(attachment.ToString(), "Detach")) return;
        try
        {
            detach();
        }
        catch (Exception e) when (!IsStopException(e))
        {
            var info = BpfErrorClassifier.Classify(e, attachment.ToString());
            if (info.ErrorId is not (BpfErrorIds.PermissionDenied or BpfErrorIds.KernelObjectNotFound))
            {
                info = new BpfErrorInfo(BpfErrorIds.AttachFailed, BpfErrorCategory.InvalidOperation, $"Cannot detach {attachment}: {e.Message}");
            }

            WriteBpfError(e, info, attachment);
        }
    }

    /// <summary>Every kernel link of the piped programs (as `bpftool link show` lists them by prog_id).</summary>
    private void RemoveProgramLinks()
    {
        IReadOnlyList<BpfLinkInfo> all;
        try
        {
            all = BpfInspection.GetLinks(includePids: false, includePinnedPaths: false);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, KernelProgram);
            return;
        }

        foreach (var program in KernelProgram)
        {
            var ids = all.Where(l => l.ProgramId == program.Id).Select(l => l.Id).ToList();
            if (ids.Count == 0)
            {
                // not an error: attachments that are no BPF links (socket filters, BPF_PROG_ATTACH, classic tc, perf ioctl)
                // have no link to remove; their owners detach them
                WriteWarning($"Program {program.Id} ('{program.Name}') has no BPF links to detach.");
                continue;
            }

            foreach (var id in ids) RemoveKernelLink(id);
        }
    }

    private void RemoveKernelLink(uint id)
    {
        BpfKernelLink? link;
        try
        {
            link = BpfKernelLink.Open(id);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, id);
            return;
        }

        if (link is null)
        {
            string message = $"No BPF link with id '{id}' in the kernel.";
            WriteBpfError(new ItemNotFoundException(message), new BpfErrorInfo(BpfErrorIds.KernelObjectNotFound, BpfErrorCategory.ObjectNotFound, message), id);
            return;
        }

        Remove(link);
    }

    private void RemovePinnedLink(string path)
    {
        BpfKernelLink link;
        try
        {
            link = BpfKernelLink.OpenPinned(path);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, path);
            return;
        }

        Remove(link);
    }

    /// <summary>The live links of this runspace's objects with kernel id <paramref name="id"/>.</summary>
    private static List<BpfLink> OwnLinks(uint id) =>
        [.. ModuleObjects.Current.Objects.SelectMany(o => o.GetLinks()).Where(l => l.Id == id && l.IsAttached)];

    private void Remove(BpfKernelLink link)
    {
        using (link)
        {
            var info = link.Info;
            var pins = link.FindPins();
            string target = $"link {info.Id} ({info.Type}, program {info.ProgramId}, {info.Target})";
            string action = pins.Count > 0 ? $"Unpin from {string.Join(", ", pins)} and detach" : "Detach";
            if (!ShouldProcess(target, action)) return;
            try
            {
                // a link this runspace made is held by its BpfLink too: release that first, or a link type without
                // BPF_LINK_DETACH (perf_event, raw_tracepoint, ...) would stay attached, "held by" this very process
                foreach (var own in OwnLinks(info.Id)) own.Dispose();
                var result = link.Remove();
                foreach (var pin in result.RemovedPins) WriteVerbose($"Unpinned {pin}.");
                if (!result.Detached)
                {
                    string holders = string.Join(", ", result.Holders);
                    string message = $"Link {info.Id} ({info.Type}) is unpinned but still attached: {(holders.Length > 0 ? $"held by {holders}" : "held by another process")}, and {info.Type} links cannot be detached from outside (no BPF_LINK_DETACH).";
                    WriteBpfError(new InvalidOperationException(message), new BpfErrorInfo(BpfErrorIds.LinkStillAttached, BpfErrorCategory.InvalidOperation, message,
                        "Detach it where it was made (Remove-BpfAttachment on its BpfLink, Remove-BpfObject), or end the process holding it."), info);
                }
            }
            catch (Exception e) when (!IsStopException(e))
            {
                WriteBpfError(e, new BpfErrorInfo(BpfErrorIds.AttachFailed, BpfErrorCategory.InvalidOperation, $"Cannot detach {target}: {e.Message}"), info);
            }
        }
    }
}
