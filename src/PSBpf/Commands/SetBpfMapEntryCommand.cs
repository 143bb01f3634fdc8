using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// Set-BpfMapEntry: stores a key and value in a loaded map, encoding hashtables, custom objects, numbers and strings
/// through the map's BTF types. Entries from Get-BpfMapEntry can be edited and piped back.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BpfMapEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BpfMapItem))]
public sealed class SetBpfMapEntryCommand : BpfCmdletBase
{
    /// <summary>The map.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public BpfMap Map { get; set; } = null!;

    /// <summary>The key.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public object Key { get; set; } = null!;

    /// <summary>The value (per-CPU maps: one value for every CPU, or an array with one per CPU).</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? Value { get; set; }

    /// <summary>NoExist: only create; Exist: only replace; Any (default): either.</summary>
    [Parameter]
    public BpfUpdateFlags Flag { get; set; } = BpfUpdateFlags.Any;

    /// <summary>Writes the stored entry.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"map '{Map.Name}' key {Key}", "Set entry")) return;
        try
        {
            var key = PSValueConverter.ToEngineValue(Key)!;
            Map.UpdateValue(key, PSValueConverter.ToEngineValue(Value), Flag);
            if (PassThru)
            {
                var stored = Map.LookupValue(key);
                WriteObject(BpfMapAccess.IsPerCpu(Map.Type)
                    ? new BpfMapItem(Map, Key, null, ((object?[])stored!).Select(PSValueConverter.ToPSValue).ToArray())
                    : new BpfMapItem(Map, Key, PSValueConverter.ToPSValue(stored), null));
            }
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, Key);
        }
    }
}
