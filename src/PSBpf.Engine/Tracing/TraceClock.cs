using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Converts trace timestamps to wall-clock time for the tracefs instance's selected clock (trace_clock, e.g. "[local] global ...").
/// The time clocks are mapped to the POSIX clock they follow and offset by realtime minus that clock, measured once:
/// local/global/perf (sched_clock) follow CLOCK_MONOTONIC to within scheduler-clock drift; boot, mono, mono_raw and tai are exact.
/// counter and x86-tsc are not times, so they give no wall-clock time.
/// </summary>
internal sealed class TraceClock
{
    private readonly long? _offsetNs;

    public TraceClock(string name)
    {
        Name = name;
        int? clock = name switch
        {
            "local" or "global" or "perf" or "mono" => LibC.ClockMonotonic,
            "mono_raw" => LibC.ClockMonotonicRaw,
            "boot" => LibC.ClockBoottime,
            "tai" => LibC.ClockTai,
            _ => null,
        };
        if (clock is { } c) _offsetNs = LibC.ClockNanoseconds(LibC.ClockRealtime) - LibC.ClockNanoseconds(c);
    }

    /// <summary>The clock's name as trace_clock spells it.</summary>
    public string Name { get; }

    /// <summary>The clock selected in a trace_clock file (the bracketed name); "local", the kernel's default, when it cannot be read.</summary>
    public static TraceClock ForTraceDirectory(string directory)
    {
        string name = "local";
        try
        {
            var text = File.ReadAllText(Path.Join(directory, "trace_clock"));
            int open = text.IndexOf('['), close = text.IndexOf(']');
            if (open >= 0 && close > open) name = text[(open + 1)..close];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // keep the default
        }

        return new TraceClock(name);
    }

    /// <summary>Local wall-clock time for a timestamp in seconds, or null for counter clocks.</summary>
    public DateTime? ToDateTime(double seconds) =>
        _offsetNs is { } offset ? DateTime.UnixEpoch.AddTicks((offset + (long)(seconds * 1e9)) / 100).ToLocalTime() : null;
}
