namespace PSBpf.Engine.Btf;

/// <summary>One enumerator: name and value (ENUM64 values beyond long range are stored as their two's-complement bit pattern).</summary>
/// <param name="Name">Enumerator name.</param>
/// <param name="Value">Value.</param>
public readonly record struct BtfEnumValue(string Name, long Value)
{
    /// <summary>Offset of the name in the BTF string section it was read from (0 when built in memory).</summary>
    internal uint NameOffset { get; init; }
}
