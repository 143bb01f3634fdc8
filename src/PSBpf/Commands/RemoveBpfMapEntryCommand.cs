using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// Remove-BpfMapEntry: deletes keys from a map (entries from Get-BpfMapEntry can be piped in); on a queue or stack
/// without -Key it pops one value. The map comes from an object, by -Id or by -PinnedPath.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfMapEntry", DefaultParameterSetName = MapSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBpfMapEntryCommand : MapEntryCmdletBase
{
    private const string MapSet = "Map";
    private const string IdSet = "Id";
    private const string PinSet = "PinnedPath";
    private const string EntrySet = "Entry";

    /// <summary>The map.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = MapSet)]
    [ValidateNotNull]
    public BpfMap Map { get; set; } = null!;

    /// <summary>
    /// An entry from Get-BpfMapEntry: it names its map (which no serializer sees), and its Key binds by
    /// property name.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = EntrySet)]
    [ValidateNotNull]
    public BpfMapItem InputObject { get; set; } = null!;

    /// <summary>Kernel id of the map.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    public uint Id { get; set; }

    /// <summary>Path where the map is pinned on a bpffs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PinSet)]
    [ValidateNotNullOrEmpty]
    public string PinnedPath { get; set; } = null!;

    /// <summary>The key to delete; leave it out for queues and stacks (one value is popped).</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public object? Key { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (HeaderTypesFailed) return;
        if (OpenMap(ParameterSetName switch { IdSet => Id, PinSet => PinnedPath, EntrySet => InputObject.Map, _ => Map }) is not { } map) return;
        if (!CheckKeyUse(map, Key, "leave out -Key to pop one value", "only queues and stacks pop without a key")) return;

        bool queue = BpfMapAccess.IsQueueOrStack(map.Type);
        if (!ShouldProcess(queue ? $"map '{map.Name}'" : $"map '{map.Name}' key {Key}", queue ? "Pop value" : "Remove entry")) return;
        try
        {
            bool removed = queue ? map.Pop() is not null : map.DeleteKey(PSValueConverter.ToEngineValue(Key)!, TypesFor(map));
            if (!removed)
            {
                string message = queue ? $"Map '{map.Name}' is empty." : $"Map '{map.Name}' has no entry for key {Key}.";
                WriteError(BpfErrorRecordFactory.Create(
                    new KeyNotFoundException(message),
                    new BpfErrorInfo(BpfErrorIds.MapKeyNotFound, BpfErrorCategory.ObjectNotFound, message),
                    Key ?? map.Name));
            }
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, Key ?? map.Name);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing() => KernelMaps.Dispose();
}
