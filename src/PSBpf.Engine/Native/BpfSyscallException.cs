namespace PSBpf.Engine;

/// <summary>A bpf(2) (or related) system call failed. <see cref="ErrorName"/> is the errno's name ("EPERM").</summary>
public class BpfSyscallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BpfSyscallException(string operation, int errno, string? explanation = null)
        : base($"{operation}: {Native.Errno.Name(errno)}{(explanation is null ? string.Empty : " (" + explanation + ")")}")
    {
        Operation = operation;
        Errno = errno;
        ErrorName = Native.Errno.Name(errno);
    }

    /// <summary>What was being done, e.g. "BPF_MAP_CREATE for map 'rb'".</summary>
    public string Operation { get; }
    /// <summary>The errno value.</summary>
    public int Errno { get; }
    /// <summary>Symbolic errno name.</summary>
    public string ErrorName { get; }
    /// <summary>True for EPERM/EACCES from the syscall itself (missing CAP_BPF/CAP_SYS_ADMIN or root).</summary>
    public bool IsPermissionDenied => Errno == Native.Errno.EPERM;
}
