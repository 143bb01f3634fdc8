using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

internal static unsafe partial class LibC
{
    internal const int ClockRealtime = 0;
    internal const int ClockBoottime = 7;

    [LibraryImport(Lib, EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, Timespec* ts);

    /// <summary>clock_gettime(2) in nanoseconds.</summary>
    internal static long ClockNanoseconds(int clock)
    {
        Timespec ts;
        if (ClockGetTime(clock, &ts) != 0) throw new BpfSyscallException(BpfSystemCall.ClockGetTime, $"clock_gettime({clock})", Marshal.GetLastPInvokeError(), null);
        return ts.tv_sec * 1_000_000_000L + ts.tv_nsec;
    }

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long tv_sec;
        public long tv_nsec;
    }
}
