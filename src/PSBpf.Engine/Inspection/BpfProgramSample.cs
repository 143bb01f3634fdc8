namespace PSBpf.Engine;

/// <summary>
/// One program's activity during one sampling interval of <see cref="BpfProgramSampler"/>, as bpftop shows it: runs
/// and run time in the interval, runs per second, mean time per run and the share of one CPU the program used.
/// Plain data.
/// </summary>
public sealed class BpfProgramSample
{
    /// <summary>The sample's number: 1 for the first interval after the baseline.</summary>
    public int Sample { get; init; }
    /// <summary>When the sample was read (local time).</summary>
    public DateTime Timestamp { get; init; }
    /// <summary>Kernel program id.</summary>
    public uint Id { get; init; }
    /// <summary>Program name as the kernel keeps it.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>Program type (bpftool's names).</summary>
    public BpfProgramType Type { get; init; }
    /// <summary>The measured length of the interval (from the previous read to this one).</summary>
    public TimeSpan Interval { get; init; }
    /// <summary>Runs during the interval (run_cnt delta).</summary>
    public ulong RunCount { get; init; }
    /// <summary>Nanoseconds spent running during the interval (run_time_ns delta).</summary>
    public ulong RunTimeNs { get; init; }
    /// <summary>Runs per second of the interval.</summary>
    public double RunsPerSecond { get; init; }
    /// <summary>Mean nanoseconds per run in the interval; null when the program did not run.</summary>
    public double? AverageNs { get; init; }
    /// <summary>Share of one CPU the program used: run time in the interval / the interval * 100.</summary>
    public double CpuPercent { get; init; }
    /// <summary>run_cnt as the kernel reports it (all runs counted while statistics were on since the program was loaded).</summary>
    public ulong TotalRunCount { get; init; }
    /// <summary>run_time_ns as the kernel reports it.</summary>
    public ulong TotalRunTimeNs { get; init; }
    /// <summary>Runs skipped during the interval because the program was already running on the CPU (recursion_misses delta).</summary>
    public ulong RecursionMisses { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Name}: {RunCount} runs, {RunTimeNs} ns in {Interval.TotalSeconds:0.###} s";
}
