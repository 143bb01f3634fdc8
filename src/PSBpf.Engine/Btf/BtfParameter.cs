namespace PSBpf.Engine.Btf;

/// <summary>A FUNC_PROTO parameter.</summary>
/// <param name="Name">Parameter name (may be empty).</param>
/// <param name="TypeId">Parameter type id (0 with an empty name marks varargs).</param>
public readonly record struct BtfParameter(string Name, uint TypeId)
{
    /// <summary>Offset of the name in the BTF string section it was read from (0 when built in memory).</summary>
    internal uint NameOffset { get; init; }
}
