using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// Set-BpfMapEntry: stores a key and value in a map, encoding hashtables, custom objects, numbers and strings
/// through the map's BTF types (values with a bpf_spin_lock under that lock). Entries from Get-BpfMapEntry can be
/// edited and piped back. Queues and stacks take a value without a key: it is pushed. The map comes from an object,
/// by -Id or by -PinnedPath.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BpfMapEntry", DefaultParameterSetName = MapSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BpfMapItem))]
public sealed class SetBpfMapEntryCommand : MapEntryCmdletBase
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
    /// An entry from Get-BpfMapEntry: it names its map (which no serializer sees), and its Key and Value bind by
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

    /// <summary>The key; leave it out for queues and stacks (the value is pushed).</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public object? Key { get; set; }

    /// <summary>The value (per-CPU maps: one value for every CPU, or an array with one per CPU).</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? Value { get; set; }

    /// <summary>NoExist: only create; Exist: only replace (queues/stacks: push even when full, dropping the oldest); Any (default): either.</summary>
    [Parameter]
    public BpfUpdateFlags Flag { get; set; } = BpfUpdateFlags.Any;

    /// <summary>Writes the stored entry.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The type of -Header/-TypeDefinition that values are encoded and decoded as (in place of the map's own value type).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ValueType { get; set; }

    /// <inheritdoc />
    private protected override string? HeaderValueType => ValueType;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (HeaderTypesFailed) return;
        if (OpenMap(ParameterSetName switch { IdSet => Id, PinSet => PinnedPath, EntrySet => InputObject.Map, _ => Map }) is not { } map) return;
        if (!CheckKeyUse(map, Key, "leave out -Key to push the value", "only queues and stacks take a value without a key")) return;

        bool queue = BpfMapAccess.IsQueueOrStack(map.Type);
        if (!ShouldProcess(queue ? $"map '{map.Name}'" : $"map '{map.Name}' key {Key}", queue ? "Push value" : "Set entry")) return;
        try
        {
            var types = TypesFor(map);
            if (queue)
            {
                map.PushValue(PSValueConverter.ToEngineValue(Value), Flag, types);
                if (PassThru) WriteObject(new BpfMapItem(map, null, Value));
                return;
            }

            var key = PSValueConverter.ToEngineValue(Key)!;
            map.UpdateValue(key, PSValueConverter.ToEngineValue(Value), Flag, types);
            if (PassThru)
            {
                WriteObject(new BpfMapItem(map, Key, map.LookupValue(key, PSRecordFactory.Instance, types)));
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
