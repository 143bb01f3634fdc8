namespace PSBpf.Engine;

/// <summary>
/// The perf event a perf_event program samples (perf_event_attr type, config and sampling). The default is what
/// profilers use: the software cpu-clock event at 99 samples a second. The properties are settable so that PowerShell
/// builds one from a hashtable (<c>-PerfEvent @{ Config = 0; SamplePeriod = 1000000 }</c>).
/// </summary>
public sealed record BpfPerfEventSpec
{
    /// <summary>PERF_TYPE_SOFTWARE.</summary>
    public const uint SoftwareType = 1;
    /// <summary>PERF_TYPE_HARDWARE.</summary>
    public const uint HardwareType = 0;

    /// <summary>perf_event_attr.type (0 hardware, 1 software, ...); default software.</summary>
    public uint Type { get; set; } = SoftwareType;
    /// <summary>perf_event_attr.config (for software events: 0 cpu-clock, 1 task-clock, 3 context-switches, ...); default cpu-clock.</summary>
    public ulong Config { get; set; }
    /// <summary>Sample every this many events (for clocks: nanoseconds). Used when set; otherwise <see cref="SampleFrequency"/>.</summary>
    public ulong? SamplePeriod { get; set; }
    /// <summary>Samples per second when <see cref="SamplePeriod"/> is not set; default 99.</summary>
    public ulong SampleFrequency { get; set; } = 99;

    /// <inheritdoc />
    public override string ToString() =>
        $"type {Type} config {Config} {(SamplePeriod is { } p ? $"period {p}" : $"freq {SampleFrequency}")}";
}
