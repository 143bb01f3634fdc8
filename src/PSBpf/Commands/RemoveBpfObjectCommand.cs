using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Module;

namespace PSBpf.Commands;

/// <summary>
/// Remove-BpfObject: tears a loaded object down: detaches every link made for its programs, closes its maps, programs
/// and BTF, and with -Unpin removes the pins it made or reused (maps and links). The engine path is
/// <see cref="BpfTeardown.TearDown"/>.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfObject", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBpfObjectCommand : BpfCmdletBase
{
    /// <summary>Objects to tear down, from Import-BpfObject / Invoke-BpfLoad.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfObject[] InputObject { get; set; } = null!;

    /// <summary>Also remove the object's pins: maps with a pin path and links pinned through Add-BpfAttachment -PinPath.</summary>
    [Parameter]
    public SwitchParameter Unpin { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var obj in InputObject)
        {
            if (obj.IsDisposed)
            {
                WriteVerbose($"BPF object '{obj.Name}' is already removed.");
                ModuleObjects.Current.Remove(obj);
                continue;
            }

            int links = obj.GetLinks().Count;
            string target = $"BPF object '{obj.Name}' ({obj.Programs.Count} programs, {obj.Maps.Count} maps, {links} links)";
            if (!ShouldProcess(target, Unpin ? "Detach, close and unpin" : "Detach and close")) continue;
            try
            {
                foreach (var pin in BpfTeardown.TearDown(obj, Unpin)) WriteVerbose($"Unpinned {pin}.");
            }
            catch (Exception e) when (!IsStopException(e))
            {
                WriteBpfError(e, obj.Name);
            }
            finally
            {
                ModuleObjects.Current.Remove(obj); // disposed whatever happened (TearDown disposes in a finally)
            }
        }
    }
}
