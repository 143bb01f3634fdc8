namespace PSBpf.Engine;

/// <summary>
/// The perf event a perf_event program samples (perf_event_attr type, config and sampling). The default is what
/// profilers use: the software cpu-clock event at 99 samples a second.
/// </summary>
public sealed record BpfPerfEventSpec
{
    /// <summary>PERF_TYPE_SOFTWARE.</summary>
    public const uint SoftwareType = 1;
    /// <summary>PERF_TYPE_HARDWARE.</summary>
    public const uint HardwareType = 0;

    /// <summary>perf_event_attr.type (0 hardware, 1 software, ...); default software.</summary>
    public uint Type { get; init; } = SoftwareType;
    /// <summary>perf_event_attr.config (for software events: 0 cpu-clock, 1 task-clock, 3 context-switches, ...); default cpu-clock.</summary>
    public ulong Config { get; init; }
    /// <summary>Sample every this many events (for clocks: nanoseconds). Used when set; otherwise <see cref="SampleFrequency"/>.</summary>
    public ulong? SamplePeriod { get; init; }
    /// <summary>Samples per second when <see cref="SamplePeriod"/> is not set; default 99.</summary>
    public ulong SampleFrequency { get; init; } = 99;

    /// <inheritdoc />
    public override string ToString() =>
        $"type {Type} config {Config} {(SamplePeriod is { } p ? $"period {p}" : $"freq {SampleFrequency}")}";
}
