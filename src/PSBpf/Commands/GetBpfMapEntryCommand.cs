using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfMapEntry: the contents of a map, decoded through BTF, streamed one entry at a time (or one key with -Key, or
/// raw bytes with -Raw). The map comes from an object (BpfMap), from Get-BpfMap's kernel listing (BpfMapInfo), by -Id
/// or by -PinnedPath. Queues and stacks show their head (peek); -Pop takes every value off.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfMapEntry", DefaultParameterSetName = MapSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BpfMapItem))]
public sealed class GetBpfMapEntryCommand : MapEntryCmdletBase
{
    private const string MapSet = "Map";
    private const string InfoSet = "MapInfo";
    private const string IdSet = "Id";
    private const string PinSet = "PinnedPath";

    /// <summary>The map, from an object's Maps or from the pipeline.</summary>
    /// <remarks>
    /// By value only: with ValueFromPipelineByPropertyName as well, PowerShell's binder settles on this (default) set
    /// before it tries the pipeline object, and a BpfMapInfo from Get-BpfMap never reaches <see cref="MapInfo"/>.
    /// </remarks>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = MapSet)]
    [ValidateNotNull]
    public BpfMap Map { get; set; } = null!;

    /// <summary>A map from Get-BpfMap's kernel listing.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InfoSet)]
    [ValidateNotNull]
    public BpfMapInfo MapInfo { get; set; } = null!;

    /// <summary>Kernel id of the map.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    public uint Id { get; set; }

    /// <summary>Path where the map is pinned on a bpffs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PinSet)]
    [ValidateNotNullOrEmpty]
    public string PinnedPath { get; set; } = null!;

    /// <summary>Only this key (encoded through the key's BTF type).</summary>
    [Parameter(Position = 1)]
    public object? Key { get; set; }

    /// <summary>Key and value as byte arrays, without decoding.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>Queues and stacks: take every value off (in pop order) instead of showing the head.</summary>
    [Parameter]
    public SwitchParameter Pop { get; set; }

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
        if (OpenMap(ParameterSetName switch { InfoSet => MapInfo.Id, IdSet => Id, PinSet => PinnedPath, _ => Map }) is not { } map) return;

        try
        {
            Read(map);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, map.Name);
        }
        finally
        {
            KernelMaps.Dispose(); // one map per input object: a long Get-BpfMap | Get-BpfMapEntry holds one fd at a time
        }
    }

    private void Read(BpfMap map)
    {
        var types = TypesFor(map);
        bool queue = BpfMapAccess.IsQueueOrStack(map.Type);
        if (Pop && !queue)
        {
            WriteWrongType(map, $"Map '{map.Name}' is a {map.Type}; -Pop is for queue and stack maps (use Remove-BpfMapEntry to delete keys).");
            return;
        }

        if (queue)
        {
            if (Key is not null)
            {
                WriteWrongType(map, $"Map '{map.Name}' is a {map.Type}, which has no keys; leave out -Key to see its head, or use -Pop.");
                return;
            }

            if (!Pop)
            {
                if (map.Peek() is { } head) WriteObject(Item(map, null, head, types));
                return;
            }

            if (!ShouldProcess($"map '{map.Name}'", "Pop every value")) return;
            foreach (var value in map.Drain())
            {
                if (CancellationToken.IsCancellationRequested) return;
                WriteObject(Item(map, null, value, types));
            }

            return;
        }

        if (Key is not null)
        {
            var engineKey = PSValueConverter.ToEngineValue(Key)!;
            var key = BpfMapValues.EncodeKey(map, engineKey, types);
            // the engine's own lookups: raw bytes, or decoded (under the value's bpf_spin_lock when it has one)
            object? value = Raw ? map.Lookup(key, BpfMapAccess.HasSpinLock(map)) : map.LookupValue(engineKey, PSRecordFactory.Instance, types);
            if (value is null)
            {
                WriteError(BpfErrorRecordFactory.Create(
                    new KeyNotFoundException($"map '{map.Name}' has no entry for key {Key}"),
                    new BpfErrorInfo(BpfErrorIds.MapKeyNotFound, BpfErrorCategory.ObjectNotFound, $"Map '{map.Name}' has no entry for key {Key}."),
                    Key));
                return;
            }

            WriteObject(Raw ? new BpfMapItem(map, key, (byte[])value) : new BpfMapItem(map, BpfMapValues.DecodeKey(map, key, PSRecordFactory.Instance, types), value));
            return;
        }

        // the engine's entry API: raw entries, or decoded ones (straight from BPF_MAP_LOOKUP_BATCH buffers where the
        // kernel has batches, key by key under the lock for values with a bpf_spin_lock)
        int n = 0;
        var entries = Raw
            ? map.ConsistentEntries().Select(e => new BpfMapItem(map, e.Key, e.Value))
            : map.DecodedEntries(PSRecordFactory.Instance, types).Select(e => new BpfMapItem(map, e.Key, e.Value));
        foreach (var item in entries)
        {
            if (CancellationToken.IsCancellationRequested) return;
            if (++n % 256 == 0) WriteProgress(new ProgressRecord(1, $"Reading map {map.Name}", $"{n} entries") { PercentComplete = -1 });
            WriteObject(item);
        }
    }

    private void WriteWrongType(BpfMap map, string message) =>
        WriteBpfError(new InvalidOperationException(message), new BpfErrorInfo(BpfErrorIds.MapWrongType, BpfErrorCategory.InvalidArgument, message), map.Name);

    /// <summary>An output entry of a queue or stack (no key), decoded once into PowerShell's shape.</summary>
    private BpfMapItem Item(BpfMap map, byte[]? key, byte[] value, BpfMapTypes? types) =>
        Raw ? new BpfMapItem(map, key, value) : new BpfMapItem(map, null, BpfMapValues.DecodeValue(map, value, PSRecordFactory.Instance, types));
}
