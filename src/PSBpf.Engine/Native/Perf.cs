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
        var attr = new PerfEventAttr { type = TypeTracepoint, size = (uint)sizeof(PerfEventAttr), config = tracepointId, sample_period = 1, wakeup_events = 1 };
        long fd = LibC.Syscall(SyscallNumbers.PerfEventOpen, (long)&attr, -1, cpu, -1, (long)FlagFdCloexec);
        if (fd < 0)
        {
            throw new BpfSyscallException($"perf_event_open for {what}", Marshal.GetLastPInvokeError());
        }

        return new BpfFd((int)fd);
    }
}
