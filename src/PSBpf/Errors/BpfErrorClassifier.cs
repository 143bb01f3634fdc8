using System.ComponentModel;
using System.Globalization;
using PSBpf.Engine;
using PSBpf.Engine.Btf;

namespace PSBpf.Errors;

/// <summary>
/// Maps engine and system exceptions to the ErrorId, category and message a cmdlet reports.
/// Free of PowerShell types so it can be unit-tested without a runspace; <c>BpfErrorRecordFactory</c> turns the result into an ErrorRecord.
/// </summary>
public static class BpfErrorClassifier
{
    private const int EPERM = 1;
    private const int EACCES = 13;

    /// <summary>Classifies <paramref name="exception"/>; <paramref name="target"/> (a path or name) is used in messages when the exception does not name one.</summary>
    public static BpfErrorInfo Classify(Exception exception, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            FileNotFoundException f => new BpfErrorInfo(
                BpfErrorIds.ObjectNotFound,
                BpfErrorCategory.ObjectNotFound,
                Format("Cannot find BPF object file '{0}' because it does not exist.", f.FileName ?? target ?? "?")),
            DirectoryNotFoundException => new BpfErrorInfo(
                BpfErrorIds.ObjectNotFound,
                BpfErrorCategory.ObjectNotFound,
                Format("Cannot find BPF object file '{0}' because a directory on its path does not exist.", target ?? "?")),
            BpfByteOrderException b => new BpfErrorInfo(
                BpfErrorIds.ObjectWrongByteOrder,
                BpfErrorCategory.InvalidData,
                Format("BPF object '{0}' is {1}-endian; this host is {2}-endian.", b.FileName ?? target ?? "?", b.ObjectIsBigEndian ? "big" : "little", BitConverter.IsLittleEndian ? "little" : "big"),
                Format("Rebuild the object for this host: clang -target {0} (or plain -target bpf on this machine).", BitConverter.IsLittleEndian ? "bpfel" : "bpfeb")),
            BpfFormatException f => new BpfErrorInfo(
                BpfErrorIds.ObjectInvalid,
                BpfErrorCategory.InvalidData,
                DescribeFormatError(f, target),
                "Check that the file is a BPF object built with clang -target bpf -g (ELF64, machine BPF)."),
            BpfHeaderException h => new BpfErrorInfo(
                BpfErrorIds.HeaderInvalid,
                BpfErrorCategory.InvalidData,
                Format("Cannot read the C declarations: {0}", h.Message),
                "docs/c-headers.md lists what the header parser understands; declare the type in a simpler form, or give it in -TypeDefinition."),
            BpfValueException v => new BpfErrorInfo(
                BpfErrorIds.ValueInvalid,
                BpfErrorCategory.InvalidArgument,
                string.IsNullOrEmpty(v.Path)
                    ? Format("Invalid value: {0}", v.Detail)
                    : Format("Invalid value for '{0}': {1}", v.Path, v.Detail)),
            BpfVerifierException v => new BpfErrorInfo(
                BpfErrorIds.VerifierRejected,
                BpfErrorCategory.InvalidOperation,
                Format("The kernel verifier rejected program '{0}' ({1}): {2}", v.ProgramName, v.ErrorName, BpfVerifierException.Summarize(v.VerifierLog)),
                "The whole verifier log is in the exception's VerifierLog property ($Error[0].Exception.VerifierLog) and in -Verbose output."),
            BpfSyscallException { IsPermissionDenied: true } s => new BpfErrorInfo(
                BpfErrorIds.PermissionDenied,
                BpfErrorCategory.PermissionDenied,
                s.Message,
                "Run as root, or grant CAP_BPF (plus CAP_PERFMON or CAP_NET_ADMIN for tracing and networking programs)."),
            BpfSyscallException { Command: BpfCommand.ProgTestRun } r => new BpfErrorInfo(BpfErrorIds.RunFailed, BpfErrorCategory.InvalidOperation, r.Message),
            BpfSyscallException { IsMapElementOperation: true } m => new BpfErrorInfo(BpfErrorIds.MapOperationFailed, BpfErrorCategory.InvalidOperation, m.Message),
            BpfSyscallException s => new BpfErrorInfo(BpfErrorIds.LoadFailed, BpfErrorCategory.InvalidOperation, s.Message),
            BpfLoadException l => new BpfErrorInfo(BpfErrorIds.LoadFailed, BpfErrorCategory.InvalidOperation, l.Message),
            PSBpf.Engine.Loader.CoreRelocationException c => new BpfErrorInfo(BpfErrorIds.LoadFailed, BpfErrorCategory.InvalidOperation, c.Message),
            BpfRunInputException r => new BpfErrorInfo(BpfErrorIds.RunInputInvalid, BpfErrorCategory.InvalidArgument, r.Message),
            BpfKernelObjectNotFoundException k => new BpfErrorInfo(BpfErrorIds.KernelObjectNotFound, BpfErrorCategory.ObjectNotFound, k.Message),
            BpfNotLoadedException n => new BpfErrorInfo(
                BpfErrorIds.NotLoaded, BpfErrorCategory.InvalidOperation, n.Message, "Load the object first: Invoke-BpfLoad."),
            ArgumentException a when a.ParamName is "key" or "value" => new BpfErrorInfo(BpfErrorIds.ValueInvalid, BpfErrorCategory.InvalidArgument, a.Message),
            UnauthorizedAccessException => new BpfErrorInfo(
                BpfErrorIds.PermissionDenied,
                BpfErrorCategory.PermissionDenied,
                Format("Permission denied{0}: {1}", target is null ? string.Empty : Format(" for '{0}'", target), exception.Message),
                "Run as root, or grant the needed capabilities (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN or CAP_SYS_ADMIN) and read access to the file."),
            Win32Exception { NativeErrorCode: EPERM or EACCES } => new BpfErrorInfo(
                BpfErrorIds.PermissionDenied,
                BpfErrorCategory.PermissionDenied,
                Format("Permission denied{0}: {1}", target is null ? string.Empty : Format(" for '{0}'", target), exception.Message),
                "Run as root, or grant the needed capabilities (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN or CAP_SYS_ADMIN)."),
            BpfAttachTargetRequiredException t => new BpfErrorInfo(
                BpfErrorIds.AttachTargetRequired,
                BpfErrorCategory.InvalidArgument,
                t.Message,
                "Name the target: Add-BpfAttachment -Interface, -CgroupPath, -BinaryPath/-Symbol, -Socket, -Tracepoint, -NetworkNamespace or -NetfilterHook."),
            BpfPinException p => ClassifyPin(p),
            OperationCanceledException => new BpfErrorInfo(
                BpfErrorIds.OperationStopped,
                BpfErrorCategory.OperationStopped,
                "The operation was stopped."),
            IOException => new BpfErrorInfo(
                BpfErrorIds.ReadError,
                BpfErrorCategory.ReadError,
                Format("Cannot read '{0}': {1}", target ?? "?", exception.Message)),
            _ => new BpfErrorInfo(BpfErrorIds.Unexpected, BpfErrorCategory.NotSpecified, exception.Message),
        };
    }

    /// <summary>
    /// Classifies a failure to attach <paramref name="program"/>: privileges and missing targets keep their ids; everything
    /// the kernel or the target refuses (a syscall error, no such interface, a kernel without the attach kind) is
    /// <see cref="BpfErrorIds.AttachFailed"/>.
    /// </summary>
    public static BpfErrorInfo ClassifyAttach(Exception exception, string program)
    {
        var info = Classify(exception, program);
        if (info.ErrorId is BpfErrorIds.PermissionDenied or BpfErrorIds.AttachTargetRequired or BpfErrorIds.NotLoaded or BpfErrorIds.OperationStopped) return info;
        if (exception is BpfPinException) return info with { Message = Format("Cannot pin the link of program '{0}': {1}", program, exception.Message) };
        return info with
        {
            ErrorId = BpfErrorIds.AttachFailed,
            Category = BpfErrorCategory.InvalidOperation,
            Message = Format("Cannot attach program '{0}': {1}", program, exception.Message),
            RecommendedAction = AttachHint(exception) ?? info.RecommendedAction,
        };
    }

    /// <summary>What to check for the attach kinds whose failures name a target the user can look at.</summary>
    private static string? AttachHint(Exception exception) => exception switch
    {
        BpfSyscallException { SystemCall: BpfSystemCall.OpenNamespace, IsNotFound: true } =>
            "Name an existing network namespace: a name from 'ip netns list', or a path such as /proc/<pid>/ns/net.",
        BpfSyscallException { SystemCall: BpfSystemCall.Netlink } =>
            "The kernel refused the tc request; 'tc qdisc show dev <interface>' and 'tc filter show dev <interface> ingress' show what is there (EEXIST: that -TcHandle/-TcPriority is taken).",
        BpfSyscallException { SystemCall: BpfSystemCall.PerfEventOpen } =>
            "Check -PerfEvent (Type, Config) and -Cpu: the event must exist on this machine and the CPUs must be online.",
        ArgumentOutOfRangeException { ParamName: "priority" } =>
            "Pick a -Priority strictly between [int]::MinValue and [int]::MaxValue (those two are reserved by the kernel).",
        _ => null,
    };

    /// <summary>
    /// "BPF object file 'x.o' is invalid (section .BTF, offset 0x18): detail" — the file, section and offset each named when known.
    /// </summary>
    public static string DescribeFormatError(BpfFormatException exception, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var where = new List<string>(2);
        if (!string.IsNullOrEmpty(exception.SectionName)) where.Add("section " + exception.SectionName);
        if (exception.Offset is long offset) where.Add(Format("offset 0x{0:x}", offset));
        var location = where.Count == 0 ? string.Empty : " (" + string.Join(", ", where) + ")";
        string subject = (target, exception.FileName) switch
        {
            (not null, not null) when !string.Equals(target, exception.FileName, StringComparison.Ordinal)
                => Format("'{0}' (opened as object '{1}')", target, exception.FileName), // Import-BpfObject -Name
            (_, not null) => Format("'{0}'", exception.FileName),
            (not null, null) => Format("'{0}'", target),
            _ => "(unnamed)",
        };
        return Format("BPF object file {0} is invalid{1}: {2}", subject, location, exception.Detail);
    }

    private static BpfErrorInfo ClassifyPin(BpfPinException p) => p.Failure switch
    {
        BpfPinFailure.NotOnBpffs or BpfPinFailure.DirectoryMissing => new BpfErrorInfo(
            BpfErrorIds.PinPathInvalid, BpfErrorCategory.InvalidArgument, p.Message, "Pin under a directory on a bpffs mount, e.g. /sys/fs/bpf/<name>."),
        BpfPinFailure.AlreadyExists or BpfPinFailure.AlreadyPinned => new BpfErrorInfo(
            BpfErrorIds.PinExists, BpfErrorCategory.ResourceExists, p.Message, "Choose a free path, or remove the old pin first (Remove-BpfAttachment -PinnedPath, Remove-Item)."),
        BpfPinFailure.NotFound => new BpfErrorInfo(BpfErrorIds.PinNotFound, BpfErrorCategory.ObjectNotFound, p.Message),
        BpfPinFailure.NotALink => new BpfErrorInfo(BpfErrorIds.PinNotALink, BpfErrorCategory.InvalidArgument, p.Message),
        _ => new BpfErrorInfo(BpfErrorIds.LinkNotPinnable, BpfErrorCategory.InvalidOperation, p.Message),
    };

    private static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
