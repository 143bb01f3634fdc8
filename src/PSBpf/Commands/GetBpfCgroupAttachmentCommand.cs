using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfCgroupAttachment: the programs attached to a cgroup (like <c>bpftool cgroup show</c>), with <c>-Effective</c>
/// those that run for it, with <c>-Recurse</c> for its whole subtree (like <c>bpftool cgroup tree</c>). The objects
/// pipe into Remove-BpfAttachment.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfCgroupAttachment")]
[OutputType(typeof(BpfCgroupAttachment))]
public sealed class GetBpfCgroupAttachmentCommand : InspectionCmdletBase
{
    /// <summary>cgroup v2 directories (e.g. /sys/fs/cgroup/unified/my.slice on hybrid hosts).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CgroupPath")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.CgroupPathCompleter))]
    public string[] Path { get; set; } = null!;

    /// <summary>The programs that run for the cgroup (BPF_F_QUERY_EFFECTIVE): its own and those inherited from its ancestors.</summary>
    [Parameter]
    public SwitchParameter Effective { get; set; }

    /// <summary>Every cgroup below the path as well, parents first (like bpftool cgroup tree); cgroups without programs give no objects.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var p in Path)
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            IReadOnlyList<BpfCgroupAttachment> attachments;
            try
            {
                attachments = BpfCgroupInspection.GetAttachments(path, Effective, Recurse);
            }
            catch (Exception e) when (!IsStopException(e))
            {
                WriteListError(e, path);
                continue;
            }

            foreach (var a in attachments)
            {
                if (CancellationToken.IsCancellationRequested) return;
                WriteObject(a);
            }
        }
    }

    private void WriteListError(Exception e, string path)
    {
        const string hint = "Name a directory of the cgroup2 file system ('grep cgroup2 /proc/mounts' shows where it is mounted).";
        switch (e)
        {
            case ArgumentException a:
                WriteBpfError(a, new BpfErrorInfo(BpfErrorIds.TargetNotFound, BpfErrorCategory.ObjectNotFound, $"Cannot list cgroup attachments: {a.Message.Split(" (Parameter", 2)[0]}.", hint), path);
                return;
            case BpfSyscallException { SystemCall: BpfSystemCall.Open, IsNotFound: true } s:
                WriteBpfError(s, new BpfErrorInfo(BpfErrorIds.TargetNotFound, BpfErrorCategory.ObjectNotFound, $"Cannot list cgroup attachments: no cgroup '{path}' ({s.Message}).", hint), path);
                return;
            default:
                WriteInspectionError(e, "cgroup attachment");
                return;
        }
    }
}
