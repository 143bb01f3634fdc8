using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

internal static unsafe partial class LibC
{
    // O_NONBLOCK is 04000 on every architecture .NET runs on Linux (x86, arm, arm64, riscv)
    private const int ONonblock = 0x800;

    /// <summary>CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW and CLOCK_TAI (the trace clocks "mono", "mono_raw", "tai").</summary>
    internal const int ClockMonotonic = 1, ClockMonotonicRaw = 4, ClockTai = 11;

    /// <summary>open(2) read-only and non-blocking: reads of trace_pipe return EAGAIN instead of blocking, so waits go through epoll.</summary>
    internal static BpfFd OpenNonBlocking(string path, string what)
    {
        int fd = Open(path, ORdOnly | ONonblock | OCloexec);
        return fd >= 0 ? new BpfFd(fd) : throw new BpfSyscallException(BpfSystemCall.Open, $"open of {what} ({path})", Marshal.GetLastPInvokeError());
    }

    /// <summary>One read(2) into <paramref name="buffer"/>: bytes read, 0 at end of file, or -errno (EAGAIN when nothing is there).</summary>
    internal static int ReadSome(BpfFd fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint n = Read(fd.Value, (void*)p, (nuint)buffer.Length);
            return n >= 0 ? (int)n : -Marshal.GetLastPInvokeError();
        }
    }
}
