using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>perf_event_open(2).</summary>
internal static unsafe class Perf
{
    public const uint TypeTracepoint = 2;
    private const ulong FlagFdCloexec = 8;

    /// <summary>Opens a tracepoint perf event on one CPU for all processes (what libbpf does for tracepoint programs).</summary>
    public static BpfFd OpenTracepoint(ulong tracepointId, int cpu, string what)
    {
        var attr = new PerfEventAttr { type = TypeTracepoint, config = tracepointId, sample_period = 1, wakeup_events = 1 };
        return Open(ref attr, -1, cpu, what);
    }

    /// <summary>perf_event_open(2) with close-on-exec; fills in attr.size. Every perf event of the engine opens here.</summary>
    public static BpfFd Open(ref PerfEventAttr attr, int pid, int cpu, string what)
    {
        attr.size = (uint)sizeof(PerfEventAttr);
        long fd;
        fixed (PerfEventAttr* a = &attr)
        {
            fd = LibC.Syscall(SyscallNumbers.PerfEventOpen, (long)a, pid, cpu, -1, (long)FlagFdCloexec);
        }

        return fd >= 0 ? new BpfFd((int)fd) : throw new BpfSyscallException(BpfSystemCall.PerfEventOpen, $"perf_event_open for {what}", Marshal.GetLastPInvokeError());
    }
}
