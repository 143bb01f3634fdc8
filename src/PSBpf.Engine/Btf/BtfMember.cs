namespace PSBpf.Engine.Btf;

/// <summary>A member of a struct or union.</summary>
/// <param name="Name">Member name (empty for anonymous members).</param>
/// <param name="TypeId">Member type id.</param>
/// <param name="BitOffset">Offset from the start of the struct in bits.</param>
/// <param name="BitfieldSize">Bitfield width in bits, 0 for ordinary members.</param>
public readonly record struct BtfMember(string Name, uint TypeId, uint BitOffset, uint BitfieldSize)
{
    /// <summary>Offset of the name in the BTF string section it was read from (0 when built in memory).</summary>
    internal uint NameOffset { get; init; }
}
