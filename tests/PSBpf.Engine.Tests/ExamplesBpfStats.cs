using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PSBpf.Engine.Tests;

/// <summary>
/// BPF_ENABLE_STATS(BPF_STATS_RUN_TIME): the kernel counts program runs (run_cnt) while the returned fd is open. The
/// count is reference-counted in the kernel, so holding it does not disturb anyone else who enabled it.
/// </summary>
internal static unsafe partial class ExamplesBpfStats
{
    private const long BpfEnableStats = 32; // enum bpf_cmd
    private const uint BpfStatsRunTime = 0; // enum bpf_stats_type

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall3(long number, long cmd, void* attr, uint size);

    /// <summary>Enables run counting until the result is disposed.</summary>
    public static SafeFileHandle Enable()
    {
        long nr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 321 : 280;
        uint type = BpfStatsRunTime; // union bpf_attr: struct { __u32 type; } enable_stats
        long fd = Syscall3(nr, BpfEnableStats, &type, sizeof(uint));
        if (fd < 0) throw new InvalidOperationException($"bpf(BPF_ENABLE_STATS): errno {Marshal.GetLastPInvokeError()}");
        return new SafeFileHandle((nint)fd, ownsHandle: true);
    }
}
