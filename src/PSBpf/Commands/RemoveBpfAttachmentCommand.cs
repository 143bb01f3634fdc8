using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Remove-BpfAttachment: detaches links from Add-BpfAttachment, or every link made for a program or an object.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfAttachment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = LinkSet)]
[OutputType(typeof(void))]
public sealed class RemoveBpfAttachmentCommand : BpfCmdletBase
{
    private const string LinkSet = "Link";
    private const string ProgramSet = "Program";
    private const string ObjectSet = "Object";

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

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IEnumerable<BpfLink> links = ParameterSetName switch
        {
            ProgramSet => Program.GetLinks(),
            ObjectSet => Object.Programs.SelectMany(p => p.GetLinks()).ToList(),
            _ => InputObject,
        };

        foreach (var link in links)
        {
            if (!link.IsAttached)
            {
                WriteVerbose($"{link} is already detached.");
                continue;
            }

            if (!ShouldProcess(link.ToString(), "Detach")) continue;
            try
            {
                link.Dispose();
            }
            catch (Exception e) when (!IsStopException(e))
            {
                WriteBpfError(e, new BpfErrorInfo(BpfErrorIds.AttachFailed, BpfErrorCategory.InvalidOperation, $"Cannot detach {link}: {e.Message}"), link);
            }
        }
    }
}
