using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Engine.Btf;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Receive-BpfRingBuffer: streams the records a loaded BPF program sends through a ring buffer or a perf event array,
/// raw (byte[]) or decoded through the object's BTF as a named struct. Records are read and written on the pipeline
/// thread in short waits, so Ctrl+C and <c>Select-Object -First</c> end the command at once.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "BpfRingBuffer", DefaultParameterSetName = TimeoutSet)]
[OutputType(typeof(PSObject), typeof(byte[]))]
public sealed class ReceiveBpfRingBufferCommand : BpfCmdletBase
{
    private const string TimeoutSet = "Timeout";
    private const string WaitSet = "Wait";

    private int _written;

    private readonly KernelMapCache _kernelMaps = new();

    /// <summary>The ring buffer or perf event array map of a loaded object (e.g. <c>$o.Maps.rb</c>).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfMap? Map { get; set; }

    /// <summary>
    /// A ring buffer or perf event array in the kernel, from Get-BpfMap (opened by id; records decode through the BTF the
    /// kernel keeps for the map). Either this or -Map.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfMapInfo? MapInfo { get; set; }

    /// <summary>
    /// Name of the struct (or union/typedef) to decode records as: of the object's BTF, or with -Header/-TypeDefinition of
    /// those C declarations. Raw byte[] records without it (and without -Header/-TypeDefinition).
    /// </summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.RecordTypeCompleter))]
    public string? Type { get; set; }

    /// <summary>
    /// C headers that declare the record type (e.g. bootstrap.h, shared by the BPF program and user space), read without a
    /// compiler: for objects whose BTF lacks the type, as when the program only uses it through a local pointer.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Header { get; set; }

    /// <summary>
    /// C declarations of the record type as text, e.g. <c>'struct event { int pid; char comm[16]; };'</c>; read after
    /// -Header (so it can use the headers' types and macros). Without -Type, records decode as the one struct it declares.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TypeDefinition { get; set; }

    private BtfType? _headerType;
    private BtfSpec? _headerBtf;
    private bool _headerFailed;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (Header is null && TypeDefinition is null) return;
        // an error, then no records: every one would need the type (as an unknown -Type, the error is not terminating)
        void Fail(Exception e, BpfErrorInfo? info, object? target)
        {
            WriteBpfError(e, info, target);
            _headerFailed = true;
        }

        var header = HeaderTypes.Read(this, Header, TypeDefinition, Fail);
        if (header is null) return;
        _headerType = HeaderTypes.Find(header, Type, nameof(Type), Fail);
        _headerBtf = header.Btf;
    }

    /// <summary>Stop after this many records (over all maps of the pipeline).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>How long to read; a number is seconds. Default 1 second.</summary>
    [Parameter(ParameterSetName = TimeoutSet)]
    [TimeSpanSecondsTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Read until -Count records arrived or the command is stopped, without a time limit.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WaitSet)]
    public SwitchParameter Wait { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_headerFailed || (Count > 0 && _written >= Count)) return;
        if (!TryGetMap(out var map)) return;
        if (!BpfEventReader.IsEventMap(map.Type))
        {
            WriteBpfError(
                new ArgumentException($"map '{map.Name}' is a {map.Type} map."),
                new BpfErrorInfo(BpfErrorIds.MapWrongType, BpfErrorCategory.InvalidArgument,
                    $"Map '{map.Name}' is a {map.Type} map; records can only be received from a ringbuf or perf_event_array map."),
                map);
            return;
        }

        if (map.Id is null)
        {
            WriteBpfError(
                new InvalidOperationException($"map '{map.Name}' is not loaded."),
                new BpfErrorInfo(BpfErrorIds.NotLoaded, BpfErrorCategory.InvalidOperation,
                    $"Map '{map.Name}' is not loaded.", "Load its object first: $o | Invoke-BpfLoad."),
                map);
            return;
        }

        BpfEventDecoder? decoder = null;
        if (_headerType is not null)
        {
            decoder = new BpfEventDecoder(_headerBtf!, _headerType);
        }
        else if (Type is not null)
        {
            try
            {
                decoder = BpfEventDecoder.ForMap(map, Type);
            }
            catch (KeyNotFoundException e)
            {
                WriteBpfError(e, new BpfErrorInfo(BpfErrorIds.TypeNotFound, BpfErrorCategory.ObjectNotFound,
                    $"The BTF of map '{map.Name}''s object has no struct, union or typedef named '{Type}'.",
                    "Name a type the BPF program defines, e.g. -Type event for struct event, or give the C header that declares it: -Header ./event.h -Type event."), map);
                return;
            }
        }

        try
        {
            using var reader = BpfEventReader.Open(map);
            Receive(reader, decoder);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ended a wait: stop the way PowerShell's own commands do.
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (!IsStopException(e))
        {
            // Stop exceptions (Select-Object -First's, thrown by WriteObject) go on up: they end the upstream commands too.
            WriteBpfError(e, map);
        }
    }

    /// <summary>The map to read: -Map, or -MapInfo opened by id (kept open until the command ends).</summary>
    private bool TryGetMap(out BpfMap map)
    {
        map = null!;
        if ((Map is null) == (MapInfo is null))
        {
            const string message = "Give one map: -Map (an object's map) or -MapInfo (a map from Get-BpfMap).";
            WriteBpfError(new ArgumentException(message), new BpfErrorInfo(BpfErrorIds.ValueInvalid, BpfErrorCategory.InvalidArgument, message), null);
            return false;
        }

        if (Map is not null)
        {
            map = Map;
            return true;
        }

        try
        {
            map = _kernelMaps.ById(MapInfo!.Id);
            return true;
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, KernelMapCache.OpenFailure(e, MapInfo!.Id), MapInfo);
            return false;
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing() => _kernelMaps.Dispose();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _kernelMaps.Dispose();
        base.Dispose(disposing);
    }

    private void Receive(IBpfEventReader reader, BpfEventDecoder? decoder)
    {
        var batch = new List<object?>();
        var perf = reader as BpfPerfBufferReader;
        long lostReported = 0;
        var slices = new SlicedDeadline(Wait, Timeout);
        while (slices.Next(out var wait))
        {
            batch.Clear();
            reader.Read(wait, CancellationToken, record =>
            {
                // Records past -Count are consumed but not written: the buffer has no way to hand them back.
                if (Count > 0 && _written + batch.Count >= Count) return;
                batch.Add(Convert(record, decoder, reader.Map));
            });

            if (perf is not null && perf.LostCount > lostReported)
            {
                WriteWarning($"Map '{reader.Map.Name}': the kernel dropped {perf.LostCount - lostReported} records because a CPU's perf buffer was full.");
                lostReported = perf.LostCount;
            }

            foreach (var item in batch)
            {
                if (item is ErrorRecord error)
                {
                    WriteError(error);
                    continue;
                }

                WriteObject(item); // a byte[] stays one record: WriteObject does not enumerate
                _written++;
            }

            if (Count > 0 && _written >= Count) return;
        }
    }

    private object? Convert(ReadOnlySpan<byte> record, BpfEventDecoder? decoder, BpfMap map)
    {
        if (decoder is null) return record.ToArray();
        try
        {
            var value = decoder.Decode(record, Output.PSRecordFactory.Instance); // built once, as PowerShell shows it
            // The type name carries PSBpf.types.ps1xml's serialization depth: nested structs cross remoting whole.
            if (value is PSObject top) top.TypeNames.Insert(0, Output.PSRecordFactory.RecordTypeName);
            return value;
        }
        catch (PSBpf.Engine.Btf.BpfValueException e)
        {
            // A record shorter than the type: report it and go on with the next one.
            return BpfErrorRecordFactory.Create(e, new BpfErrorInfo(BpfErrorIds.ValueInvalid, BpfErrorCategory.InvalidData,
                $"A record of {record.Length} bytes from map '{map.Name}' does not hold a '{Type ?? decoder.Type.ToString()}' ({decoder.Size} bytes): {e.Message}"), record.ToArray());
        }
    }
}
