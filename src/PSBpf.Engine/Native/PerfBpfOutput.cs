using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>The software perf event that bpf_perf_event_output() writes into, one per CPU (as libbpf's perf_buffer opens it).</summary>
internal static unsafe class PerfBpfOutput
{
    private const uint TypeSoftware = 1;           // PERF_TYPE_SOFTWARE
    private const ulong CountSwBpfOutput = 10;     // PERF_COUNT_SW_BPF_OUTPUT
    private const ulong SampleRaw = 1UL << 10;     // PERF_SAMPLE_RAW
    private const nuint IocEnable = 0x2400;        // PERF_EVENT_IOC_ENABLE = _IO('$', 0)

    /// <summary>perf_event_mmap_page.data_head / data_tail offsets (fixed by the uapi since 3.x).</summary>
    public const int DataHeadOffset = 1024, DataTailOffset = 1032;

    /// <summary>perf_event_header.type values the reader handles.</summary>
    public const uint RecordLost = 2, RecordSample = 9;

    /// <summary>Opens the event on <paramref name="cpu"/> for every process, waking the reader on each sample.</summary>
    public static BpfFd Open(int cpu, string what)
    {
        var attr = new PerfEventAttr
        {
            type = TypeSoftware,
            config = CountSwBpfOutput,
            sample_period = 1,
            sample_type = SampleRaw,
            wakeup_events = 1,
        };
        return Perf.Open(ref attr, -1, cpu, $"bpf output on cpu {cpu} for {what}");
    }

    /// <summary>PERF_EVENT_IOC_ENABLE.</summary>
    public static void Enable(BpfFd fd, string what)
    {
        if (LibC.Ioctl(fd.Value, IocEnable, 0) < 0)
        {
            throw new BpfSyscallException(BpfSystemCall.PerfEventIoctl, $"PERF_EVENT_IOC_ENABLE for {what}", Marshal.GetLastPInvokeError());
        }
    }
}
