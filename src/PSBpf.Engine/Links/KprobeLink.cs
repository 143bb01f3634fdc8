using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A kprobe-type program on a kernel function: a perf event from the kprobe PMU (function name + offset), then a BPF
/// perf link on it. Kernels without CONFIG_KPROBES have no kprobe PMU; attaching then throws NotSupportedException.
/// </summary>
public sealed class KprobeLink : PerfEventLink
{
    private KprobeLink(BpfProgram program, BpfFd perfEvent, BpfFd link, string function, bool retprobe)
        : base(program, perfEvent, link, $"{(retprobe ? "kretprobe" : "kprobe")} {function}")
    {
        Function = function;
        IsRetprobe = retprobe;
    }

    /// <inheritdoc />
    public override string Kind => IsRetprobe ? "kretprobe" : "kprobe";
    /// <summary>The probed kernel function.</summary>
    public string Function { get; }
    /// <summary>True for a return probe.</summary>
    public bool IsRetprobe { get; }

    /// <summary>Attaches a kprobe (or kretprobe, <paramref name="retprobe"/>) program to kernel function <paramref name="function"/> plus <paramref name="offset"/>, through a perf event.</summary>
    /// <exception cref="ArgumentException">The program is not a Kprobe program (see <see cref="BpfAttachKinds.Kprobe"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static KprobeLink Attach(BpfProgram program, string function, ulong offset, bool retprobe)
    {
        BpfAttachKinds.Kprobe.Require(program);
        return Open(program, function, offset, retprobe);
    }

    /// <summary>
    /// Attaches a ksyscall (or kretsyscall, <paramref name="retprobe"/>) program to system call <paramref name="syscall"/>
    /// ("kill"): a kprobe on the architecture's syscall wrapper (__x64_sys_kill) where the kernel has wrappers, else on
    /// sys_kill, as libbpf's bpf_program__attach_ksyscall picks it.
    /// </summary>
    /// <exception cref="ArgumentException">The program is not a Ksyscall program (see <see cref="BpfAttachKinds.Ksyscall"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="NotSupportedException">The kernel has no kprobes.</exception>
    public static KprobeLink AttachSyscall(BpfProgram program, string syscall, bool retprobe)
    {
        BpfAttachKinds.Ksyscall.Require(program);
        ArgumentException.ThrowIfNullOrEmpty(syscall);
        return Open(program, SyscallWrapper.FunctionFor(syscall), 0, retprobe);
    }

    private static KprobeLink Open(BpfProgram program, string function, ulong offset, bool retprobe)
    {
        program.LoadedFd();
        string what = $"program '{program.Name}' on {(retprobe ? "kretprobe" : "kprobe")} {function}";
        var ev = PerfProbe.Open("kprobe", function, offset, retprobe, -1, what);
        return new KprobeLink(program, ev, LinkTo(program, ev, what), function, retprobe);
    }
}
