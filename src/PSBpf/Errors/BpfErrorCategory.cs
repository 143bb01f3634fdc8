namespace PSBpf.Errors;

/// <summary>
/// The error categories PSBpf uses. Each member has the name of the
/// <c>System.Management.Automation.ErrorCategory</c> member it maps to (checked by the module tests),
/// so the classification can be unit-tested without loading PowerShell.
/// </summary>
public enum BpfErrorCategory
{
    /// <summary>ErrorCategory.NotSpecified.</summary>
    NotSpecified,
    /// <summary>ErrorCategory.ObjectNotFound.</summary>
    ObjectNotFound,
    /// <summary>ErrorCategory.InvalidData.</summary>
    InvalidData,
    /// <summary>ErrorCategory.InvalidArgument.</summary>
    InvalidArgument,
    /// <summary>ErrorCategory.PermissionDenied.</summary>
    PermissionDenied,
    /// <summary>ErrorCategory.ReadError.</summary>
    ReadError,
    /// <summary>ErrorCategory.OperationStopped.</summary>
    OperationStopped,

    /// <summary>ErrorCategory.InvalidOperation: the kernel or the loader refused the operation (verifier, load).</summary>
    InvalidOperation,

    /// <summary>Something already exists where it would be created (a pin path).</summary>
    ResourceExists,
}
