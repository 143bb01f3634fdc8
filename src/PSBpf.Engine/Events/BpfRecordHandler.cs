namespace PSBpf.Engine;

/// <summary>
/// Receives one record of a ring or perf buffer. The span points into the shared buffer and is only valid during the call.
/// (A delegate of its own because .NET 8 does not allow a span as the argument of <see cref="Action{T}"/>.)
/// </summary>
public delegate void BpfRecordHandler(ReadOnlySpan<byte> record);
