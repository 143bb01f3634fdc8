using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfMapEntry: the contents of a loaded map, decoded through BTF, streamed one entry at a time
/// (or one key with -Key, or raw bytes with -Raw).
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfMapEntry")]
[OutputType(typeof(BpfMapItem))]
public sealed class GetBpfMapEntryCommand : BpfCmdletBase
{
    /// <summary>The map, from an object's Maps or from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public BpfMap Map { get; set; } = null!;

    /// <summary>Only this key (encoded through the key's BTF type).</summary>
    [Parameter(Position = 1)]
    public object? Key { get; set; }

    /// <summary>Key and value as byte arrays, without decoding.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            if (Key is not null)
            {
                var key = BpfMapValues.EncodeKey(Map, PSValueConverter.ToEngineValue(Key)!);
                var value = Map.Lookup(key);
                if (value is null)
                {
                    WriteError(BpfErrorRecordFactory.Create(
                        new KeyNotFoundException($"map '{Map.Name}' has no entry for key {Key}"),
                        new BpfErrorInfo(BpfErrorIds.MapKeyNotFound, BpfErrorCategory.ObjectNotFound, $"Map '{Map.Name}' has no entry for key {Key}."),
                        Key));
                    return;
                }

                WriteObject(Item(key, value));
                return;
            }

            int n = 0;
            foreach (var entry in Map.Entries())
            {
                if (CancellationToken.IsCancellationRequested) return;
                if (++n % 256 == 0) WriteProgress(new ProgressRecord(1, $"Reading map {Map.Name}", $"{n} entries") { PercentComplete = -1 });
                WriteObject(Item(entry.Key, entry.Value));
            }
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, Map);
        }
    }

    private BpfMapItem Item(byte[] key, byte[] value)
    {
        if (Raw) return new BpfMapItem(Map, key, value, null);
        var decodedKey = PSValueConverter.ToPSValue(BpfMapValues.DecodeKey(Map, key));
        var decoded = BpfMapValues.DecodeValue(Map, value);
        return BpfMapAccess.IsPerCpu(Map.Type)
            ? new BpfMapItem(Map, decodedKey, null, ((object?[])decoded!).Select(PSValueConverter.ToPSValue).ToArray())
            : new BpfMapItem(Map, decodedKey, PSValueConverter.ToPSValue(decoded), null);
    }
}
