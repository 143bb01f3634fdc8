using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>Remove-BpfMapEntry: deletes keys from a loaded map; entries from Get-BpfMapEntry can be piped in.</summary>
[Cmdlet(VerbsCommon.Remove, "BpfMapEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBpfMapEntryCommand : BpfCmdletBase
{
    /// <summary>The map.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public BpfMap Map { get; set; } = null!;

    /// <summary>The key to delete.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public object Key { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"map '{Map.Name}' key {Key}", "Remove entry")) return;
        try
        {
            if (!Map.DeleteKey(PSValueConverter.ToEngineValue(Key)!))
            {
                WriteError(BpfErrorRecordFactory.Create(
                    new KeyNotFoundException($"map '{Map.Name}' has no entry for key {Key}"),
                    new BpfErrorInfo(BpfErrorIds.MapKeyNotFound, BpfErrorCategory.ObjectNotFound, $"Map '{Map.Name}' has no entry for key {Key}."),
                    Key));
            }
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, Key);
        }
    }
}
