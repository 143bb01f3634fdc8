namespace PSBpf.Engine;

/// <summary>One raw key/value pair of a map (per-CPU maps: the values of every possible CPU, each padded to 8 bytes).</summary>
/// <param name="Key">Key bytes.</param>
/// <param name="Value">Value bytes.</param>
public sealed record BpfMapEntry(byte[] Key, byte[] Value);
