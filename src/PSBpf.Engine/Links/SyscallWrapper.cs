using System.Runtime.InteropServices;

namespace PSBpf.Engine;

/// <summary>
/// The kernel function behind a system call, as libbpf names it for ksyscall programs: the architecture's wrapper
/// (__x64_sys_NAME, __arm64_sys_NAME, …) when the kernel has syscall wrappers (it has __PFX_sys_bpf), else sys_NAME.
/// </summary>
internal static class SyscallWrapper
{
    private static readonly Lazy<string?> Prefix = new(FindPrefix);

    /// <summary>The function to probe for system call <paramref name="syscall"/>.</summary>
    public static string FunctionFor(string syscall) => Prefix.Value is { } pfx ? $"__{pfx}_sys_{syscall}" : $"sys_{syscall}";

    /// <summary>libbpf's arch_specific_syscall_pfx for this process's architecture, or null where it has none.</summary>
    internal static string? ArchPrefix => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "x64",
        Architecture.X86 => "ia32",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "powerpc",
        Architecture.LoongArch64 => "loongarch",
        _ => null,
    };

    /// <summary>True when the kernel has syscall wrappers (LINUX_HAS_SYSCALL_WRAPPER): its kallsyms has __PFX_sys_bpf.</summary>
    public static bool KernelHasWrappers => Prefix.Value is not null;

    // libbpf probes for the wrapper by opening a kprobe on it; the symbol table answers the same question without one
    private static string? FindPrefix() =>
        ArchPrefix is { } pfx && Loader.Kallsyms.Lookup([$"__{pfx}_sys_bpf"]).Count > 0 ? pfx : null;
}
