namespace PSBpf.Engine.Native;

/// <summary>perf event ioctls and perf_event_attr constants the perf_event program link uses.</summary>
internal static class PerfIoctl
{
    public const uint Enable = 0x2400;      // PERF_EVENT_IOC_ENABLE = _IO('$', 0)
    public const uint Disable = 0x2401;     // PERF_EVENT_IOC_DISABLE = _IO('$', 1)
    public const uint SetBpf = 0x40042408;  // PERF_EVENT_IOC_SET_BPF = _IOW('$', 8, __u32)
    public const ulong FlagFreq = 1UL << 10; // perf_event_attr.freq: sample_period holds sample_freq
}
