namespace PSBpf.Engine;

/// <summary>
/// A system call failed: <see cref="SystemCall"/>, for bpf(2) the <see cref="Command"/>, and the <see cref="Errno"/> are
/// data to classify on; <see cref="Operation"/> is the human description ("BPF_MAP_CREATE for map 'rb'").
/// </summary>
public class BpfSyscallException : Exception
{
    /// <summary>Creates the exception for a failed bpf(2) command.</summary>
    public BpfSyscallException(BpfCommand command, string operation, int errno, string? explanation = null)
        : this(BpfSystemCall.Bpf, operation, errno, explanation)
    {
        Command = command;
    }

    /// <summary>Creates the exception for another failed system call.</summary>
    public BpfSyscallException(BpfSystemCall systemCall, string operation, int errno, string? explanation = null)
        : base($"{operation}: {Native.Errno.Name(errno)}{(explanation is null ? string.Empty : " (" + explanation + ")")}")
    {
        SystemCall = systemCall;
        Operation = operation;
        Errno = errno;
        ErrorName = Native.Errno.Name(errno);
    }

    /// <summary>The system call that failed.</summary>
    public BpfSystemCall SystemCall { get; }
    /// <summary>For bpf(2), the command; null for other system calls.</summary>
    public BpfCommand? Command { get; }
    /// <summary>What was being done, e.g. "BPF_MAP_CREATE for map 'rb'".</summary>
    public string Operation { get; }
    /// <summary>The errno value.</summary>
    public int Errno { get; }
    /// <summary>Symbolic errno name.</summary>
    public string ErrorName { get; }

    /// <summary>
    /// True when the caller lacks privileges: EPERM from any call (missing CAP_BPF/CAP_SYS_ADMIN/CAP_PERFMON or root),
    /// EACCES from any but BPF_PROG_LOAD, whose EACCES is the verifier refusing the program.
    /// </summary>
    public bool IsPermissionDenied => Errno == Native.Errno.EPERM || (Errno == Native.Errno.EACCES && Command != BpfCommand.ProgLoad);

    /// <summary>True for ENOENT: the object, key, pin or file is not there.</summary>
    public bool IsNotFound => Errno == Native.Errno.ENOENT;

    /// <summary>True for the bpf(2) commands on a map's elements (lookup, update, delete, batches, freeze), not its creation.</summary>
    public bool IsMapElementOperation => Command is BpfCommand.MapLookupElem or BpfCommand.MapUpdateElem or BpfCommand.MapDeleteElem
        or BpfCommand.MapGetNextKey or BpfCommand.MapLookupAndDeleteElem or BpfCommand.MapFreeze or BpfCommand.MapLookupBatch
        or BpfCommand.MapLookupAndDeleteBatch or BpfCommand.MapUpdateBatch or BpfCommand.MapDeleteBatch;
}
