using System.Management.Automation;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Base class of the PSBpf cmdlets: a cancellation token that Ctrl+C (StopProcessing) cancels, and helpers that turn
/// engine exceptions into ErrorRecords with the stable ErrorIds of <see cref="BpfErrorIds"/>.
/// </summary>
public abstract class BpfCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Cancelled when the pipeline is stopped (Ctrl+C, or a downstream <c>Select-Object -First</c>).</summary>
    protected CancellationToken CancellationToken => _stopping.Token;

    /// <summary>Writes a non-terminating error for <paramref name="exception"/>, classified by <see cref="BpfErrorClassifier"/>.</summary>
    /// <param name="exception">What went wrong.</param>
    /// <param name="target">The item being processed (a path or name), used as TargetObject and in the message.</param>
    protected void WriteBpfError(Exception exception, object? target) => WriteError(BpfErrorRecordFactory.FromException(exception, target));

    /// <summary>Writes a non-terminating error with an explicit id, category and message; classified as above when <paramref name="info"/> is null.</summary>
    protected void WriteBpfError(Exception exception, BpfErrorInfo? info, object? target) =>
        WriteError(info is null ? BpfErrorRecordFactory.FromException(exception, target) : BpfErrorRecordFactory.Create(exception, info, target));

    /// <summary>Stops the pipeline with a terminating error for <paramref name="exception"/>.</summary>
    protected void ThrowBpfError(Exception exception, object? target) => ThrowTerminatingError(BpfErrorRecordFactory.FromException(exception, target));

    /// <summary>
    /// True for exceptions a cmdlet must let through instead of reporting as a per-item error:
    /// pipeline stops and cancellation caused by <see cref="StopProcessing"/>.
    /// </summary>
    protected bool IsStopException(Exception exception) =>
        exception is PipelineStoppedException or FlowControlException
        || (exception is OperationCanceledException && _stopping.IsCancellationRequested);

    /// <summary>Cancels <see cref="CancellationToken"/>.</summary>
    protected override void StopProcessing()
    {
        if (!_disposed)
        {
            _stopping.Cancel();
        }

        base.StopProcessing();
    }

    /// <summary>Releases the cancellation source; PowerShell disposes cmdlets when their pipeline ends.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; derived cmdlets that hold engine objects override this and call the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing)
        {
            _stopping.Dispose();
        }

        _disposed = true;
    }
}
