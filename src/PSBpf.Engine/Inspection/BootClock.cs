using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Turns the kernel's "nanoseconds since boot" (CLOCK_BOOTTIME, as in bpf_prog_info.load_time) into wall-clock time.</summary>
internal static class BootClock
{
    /// <summary>The local time at <paramref name="nsSinceBoot"/>; computed from the current realtime−boottime offset, as bpftool does.</summary>
    public static DateTime ToDateTime(ulong nsSinceBoot)
    {
        long offset = LibC.ClockNanoseconds(LibC.ClockRealtime) - LibC.ClockNanoseconds(LibC.ClockBoottime);
        long unixNs = offset + (long)nsSinceBoot;
        return DateTime.UnixEpoch.AddTicks(unixNs / 100).ToLocalTime();
    }
}
