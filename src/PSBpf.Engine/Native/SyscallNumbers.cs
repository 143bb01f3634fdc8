using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>Syscall numbers per architecture (from the kernel's syscall tables).</summary>
internal static class SyscallNumbers
{
    /// <summary>bpf(2).</summary>
    public static long Bpf { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 or Architecture.LoongArch64 or (Architecture)9 /* RiscV64, named from .NET 9 */ => 280,
        Architecture.X86 => 357,
        Architecture.Arm => 386,
        Architecture.S390x => 351,
        Architecture.Ppc64le => 361,
        var a => throw new PlatformNotSupportedException($"bpf(2) syscall number unknown for {a}"),
    };

    /// <summary>perf_event_open(2).</summary>
    public static long PerfEventOpen { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 or Architecture.LoongArch64 or (Architecture)9 /* RiscV64, named from .NET 9 */ => 241,
        Architecture.X86 => 336,
        Architecture.Arm => 364,
        Architecture.S390x => 331,
        Architecture.Ppc64le => 319,
        var a => throw new PlatformNotSupportedException($"perf_event_open(2) syscall number unknown for {a}"),
    };
}
