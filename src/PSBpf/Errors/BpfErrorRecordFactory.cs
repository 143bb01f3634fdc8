using System.Management.Automation;

namespace PSBpf.Errors;

/// <summary>Builds ErrorRecords with PSBpf's stable ErrorIds from exceptions (see <see cref="BpfErrorClassifier"/>).</summary>
public static class BpfErrorRecordFactory
{
    /// <summary>An ErrorRecord for <paramref name="exception"/>; <paramref name="target"/> becomes the TargetObject.</summary>
    public static ErrorRecord FromException(Exception exception, object? target)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var info = BpfErrorClassifier.Classify(exception, target as string);
        return Create(exception, info, target);
    }

    /// <summary>An ErrorRecord for an already classified failure.</summary>
    public static ErrorRecord Create(Exception exception, BpfErrorInfo info, object? target)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(info);
        var record = new ErrorRecord(exception, info.ErrorId, ToErrorCategory(info.Category), target)
        {
            ErrorDetails = new ErrorDetails(info.Message),
        };
        if (info.RecommendedAction is not null)
        {
            record.ErrorDetails.RecommendedAction = info.RecommendedAction;
        }

        return record;
    }

    /// <summary>The PowerShell category of the same name.</summary>
    public static ErrorCategory ToErrorCategory(BpfErrorCategory category) => category switch
    {
        BpfErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        BpfErrorCategory.InvalidData => ErrorCategory.InvalidData,
        BpfErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        BpfErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        BpfErrorCategory.ReadError => ErrorCategory.ReadError,
        BpfErrorCategory.OperationStopped => ErrorCategory.OperationStopped,
        BpfErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        BpfErrorCategory.ResourceExists => ErrorCategory.ResourceExists,
        _ => ErrorCategory.NotSpecified,
    };
}
