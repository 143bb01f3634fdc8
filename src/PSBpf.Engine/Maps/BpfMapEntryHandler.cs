namespace PSBpf.Engine;

/// <summary>
/// Receives one entry of a map dump (<see cref="BpfMapAccess.ForEachEntry"/>). Both spans point into a reused buffer and
/// are only valid during the call; copy what you keep.
/// </summary>
public delegate void BpfMapEntryHandler(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);
