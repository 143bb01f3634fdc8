namespace PSBpf.Errors;

/// <summary>
/// The stable ErrorIds of every ErrorRecord the PSBpf cmdlets write. Scripts match on these
/// (<c>$_.FullyQualifiedErrorId -like 'BpfObjectNotFound,*'</c>, Pester's <c>Should -Throw -ErrorId</c>),
/// so a value never changes once shipped; add new ids instead.
/// </summary>
public static class BpfErrorIds
{
    /// <summary>The object file (or the path given for it) does not exist. Category ObjectNotFound.</summary>
    public const string ObjectNotFound = "BpfObjectNotFound";

    /// <summary>The object file was compiled for the other byte order than this host's. Category InvalidData.</summary>
    public const string ObjectWrongByteOrder = "BpfObjectWrongByteOrder";

    /// <summary>The object file is not a valid BPF ELF object (bad ELF, BTF, section or relocation). Category InvalidData.</summary>
    public const string ObjectInvalid = "BpfObjectInvalid";

    /// <summary>A value does not fit the BTF type it is written to (globals, map keys and values). Category InvalidArgument.</summary>
    public const string ValueInvalid = "BpfValueInvalid";

    /// <summary>The operation needs a privilege the process lacks (EPERM/EACCES, missing CAP_BPF/CAP_SYS_ADMIN). Category PermissionDenied.</summary>
    public const string PermissionDenied = "BpfPermissionDenied";

    /// <summary>A path resolved to a provider other than the FileSystem provider. Category InvalidArgument.</summary>
    /// <summary>A map or program was used before its object was loaded.</summary>
    public const string NotLoaded = "BpfObjectNotLoaded";

    /// <summary>The kernel refused a map element operation (full map, existing key with NoExist, delete from an array).</summary>
    public const string MapOperationFailed = "BpfMapOperationFailed";

    /// <summary>A map has no entry for the key asked for.</summary>
    public const string MapKeyNotFound = "BpfMapKeyNotFound";

    /// <summary>A map of the wrong type for the operation (e.g. Receive-BpfRingBuffer on a hash map). Category InvalidArgument.</summary>
    public const string MapWrongType = "BpfMapWrongType";

    /// <summary>A BTF type name (e.g. -Type of Receive-BpfRingBuffer) that the object's BTF does not define. Category ObjectNotFound.</summary>
    public const string TypeNotFound = "BpfTypeNotFound";

    /// <summary>A C header or -TypeDefinition text (-Header, -TypeDefinition) has a construct the header parser does not understand; the message gives file:line:column. Category InvalidData.</summary>
    public const string HeaderInvalid = "BpfHeaderInvalid";

    /// <summary>The verifier rejected a program; the exception carries the full verifier log.</summary>
    public const string VerifierRejected = "BpfVerifierRejected";

    /// <summary>Loading failed for another reason (relocation, unresolved extern, incompatible pin, a map the kernel refused).</summary>
    public const string LoadFailed = "BpfLoadFailed";

    /// <summary>The object is already loaded; an object loads once.</summary>
    public const string AlreadyLoaded = "BpfObjectAlreadyLoaded";

    /// <summary>Identifies a path that is not on the FileSystem provider.</summary>
    public const string PathNotFileSystem = "BpfPathNotFileSystem";

    /// <summary>A path names a directory where an object file is required. Category InvalidArgument.</summary>
    public const string PathIsDirectory = "BpfPathIsDirectory";

    /// <summary>Reading a file failed for a reason other than the ones above (I/O error). Category ReadError.</summary>
    public const string ReadError = "BpfReadError";

    /// <summary>The operation was cancelled (Ctrl+C, <c>Select-Object -First</c>). Category OperationStopped.</summary>
    public const string OperationStopped = "BpfOperationStopped";

    /// <summary>No program, map or link in the kernel has the id or name asked for (Get-BpfProgram/-Map/-Link). Category ObjectNotFound.</summary>
    public const string KernelObjectNotFound = "BpfKernelObjectNotFound";

    /// <summary>Listing or reading kernel objects failed for a reason other than privileges. Category ReadError.</summary>
    public const string InspectionFailed = "BpfInspectionFailed";

    /// <summary>A program's section name does not say where to attach it and no target parameter was given. Category InvalidArgument.</summary>
    public const string AttachTargetRequired = "BpfAttachTargetRequired";

    /// <summary>Attaching or detaching failed (the kernel refused the link, the target does not exist, the kernel lacks the attach kind). Category InvalidOperation.</summary>
    public const string AttachFailed = "BpfAttachFailed";

    /// <summary>Reading a loaded program's instructions from the kernel failed for a reason other than privileges (Get-BpfInstruction). Category ReadError.</summary>
    public const string DisassemblyFailed = "BpfDisassemblyFailed";

    /// <summary>Set-/Remove-BpfMapEntry without -Key on a map that has keys (only queues and stacks push and pop without one). Category InvalidArgument.</summary>
    public const string MapKeyRequired = "BpfMapKeyRequired";

    /// <summary>Any other failure; the exception is attached unchanged. Category NotSpecified.</summary>
    public const string Unexpected = "BpfUnexpectedError";

    /// <summary>A pin path is not usable: its directory is missing or not on a bpffs mount. Category InvalidArgument.</summary>
    public const string PinPathInvalid = "BpfPinPathInvalid";

    /// <summary>Something is already pinned at the path, or the link is already pinned. Category ResourceExists.</summary>
    public const string PinExists = "BpfPinExists";

    /// <summary>Nothing is pinned at the path given. Category ObjectNotFound.</summary>
    public const string PinNotFound = "BpfPinNotFound";

    /// <summary>The pin holds a map or program where a link was expected. Category InvalidArgument.</summary>
    public const string PinNotALink = "BpfPinNotALink";

    /// <summary>The attachment cannot be pinned: it is not a BPF link (socket filter, perf-event ioctl) or was already released. Category InvalidOperation.</summary>
    public const string LinkNotPinnable = "BpfLinkNotPinnable";

    /// <summary>A link was unpinned and released but stays attached: other processes hold it and its type has no BPF_LINK_DETACH. Category InvalidOperation.</summary>
    public const string LinkStillAttached = "BpfLinkStillAttached";

    /// <summary>A -Program name that the object has no program for (Test-BpfObject). Category ObjectNotFound.</summary>
    public const string ProgramNotFound = "BpfProgramNotFound";

    /// <summary>The kernel's trace_pipe cannot be opened (tracefs not mounted). Category ObjectNotFound.</summary>
    public const string TraceLogUnavailable = "BpfTraceLogUnavailable";

    /// <summary>Invoke-BpfProgram's input does not suit the program type (no packet for xdp, a packet for raw_tp, a repeat count for a type that runs once). Category InvalidArgument.</summary>
    public const string RunInputInvalid = "BpfRunInputInvalid";

    /// <summary>The kernel refused a test run (BPF_PROG_TEST_RUN): a type it cannot run, or input it does not take. Category InvalidOperation.</summary>
    public const string RunFailed = "BpfRunFailed";

    /// <summary>The interface, network namespace or cgroup to list attachments of does not exist (Get-BpfNetAttachment, Get-BpfCgroupAttachment). Category ObjectNotFound.</summary>
    public const string TargetNotFound = "BpfTargetNotFound";

    /// <summary>ConvertTo-BpfHistogram input that is no histogram: a key that is no bucket index, a value without counts, a mix of forms, too many buckets. Category InvalidArgument.</summary>
    public const string HistogramInputInvalid = "BpfHistogramInputInvalid";
}
