using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Receive-BpfTraceLog: bpf_printk output (and any other trace events) from the kernel's trace_pipe as
/// <see cref="BpfTraceRecord"/> objects: time, pid, comm, cpu, flags, function and message. Records are read and written
/// on the pipeline thread in short waits, so Ctrl+C and <c>Select-Object -First</c> end the command at once.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "BpfTraceLog", DefaultParameterSetName = TimeoutSet)]
[OutputType(typeof(BpfTraceRecord))]
public sealed class ReceiveBpfTraceLogCommand : BpfCmdletBase
{
    private const string TimeoutSet = "Timeout";
    private const string WaitSet = "Wait";

    private BpfTraceFilter _filter = new();
    private int _written;

    /// <summary>Stop after this many records (after filtering).</summary>
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

    /// <summary>Only records of these processes: the record's thread id, or the process that thread belongs to.</summary>
    [Parameter]
    [Alias("Pid")]
    public int[]? ProcessId { get; set; }

    /// <summary>Only records whose message matches this regular expression (case-insensitive, as -match).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Match { get; set; }

    /// <summary>Only bpf_printk output (Function bpf_trace_printk), leaving out other trace events.</summary>
    [Parameter]
    public SwitchParameter BpfPrintkOnly { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            _filter = new BpfTraceFilter(ProcessId, Match, BpfPrintkOnly);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(BpfErrorRecordFactory.Create(e, new BpfErrorInfo(BpfErrorIds.ValueInvalid, BpfErrorCategory.InvalidArgument,
                $"-Match '{Match}' is not a valid regular expression: {e.Message}"), Match));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        BpfTraceLogReader reader;
        try
        {
            reader = new BpfTraceLogReader();
        }
        catch (FileNotFoundException e)
        {
            ThrowTerminatingError(BpfErrorRecordFactory.Create(e, new BpfErrorInfo(BpfErrorIds.TraceLogUnavailable, BpfErrorCategory.ObjectNotFound,
                $"Cannot read the kernel trace log: {e.Message}.", "Mount tracefs: mount -t tracefs tracefs /sys/kernel/tracing"), e.FileName));
            return;
        }
        catch (Exception e) when (!IsStopException(e))
        {
            ThrowBpfError(e, BpfTraceLogReader.DefaultPaths[0]);
            return;
        }

        using (reader)
        {
            WriteVerbose($"Reading {reader.Path} (trace clock '{reader.ClockName}'). trace_pipe is consumed: other readers do not see what this command reads.");
            try
            {
                Receive(reader);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!IsStopException(e))
            {
                WriteBpfError(e, reader.Path);
            }
        }
    }

    private void Receive(BpfTraceLogReader reader)
    {
        var batch = new List<BpfTraceRecord>();
        var other = new List<string>();
        var slices = new SlicedDeadline(Wait, Timeout);
        while (slices.Next(out var wait))
        {
            batch.Clear();
            other.Clear();
            reader.Read(wait, CancellationToken, r =>
            {
                if (_filter.IsMatch(r)) batch.Add(r);
            }, other.Add);

            foreach (var line in other)
            {
                if (line.Contains("LOST", StringComparison.Ordinal)) WriteWarning($"trace_pipe: {line.Trim()} (the trace buffer overflowed)");
                else WriteVerbose($"trace_pipe: {line}");
            }

            foreach (var record in batch)
            {
                WriteObject(record);
                if (Count > 0 && ++_written >= Count) return;
            }
        }
    }
}
