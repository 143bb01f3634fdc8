namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_ARRAY.</summary>
public sealed class BtfArray : BtfType
{
    internal BtfArray(BtfSpec owner, uint id, string name, uint elementTypeId, uint indexTypeId, uint count)
        : base(owner, id, name, BtfKind.Array)
    {
        ElementTypeId = elementTypeId;
        IndexTypeId = indexTypeId;
        Count = count;
    }

    /// <summary>Element type id.</summary>
    public uint ElementTypeId { get; }
    /// <summary>Index type id.</summary>
    public uint IndexTypeId { get; }
    /// <summary>Number of elements.</summary>
    public uint Count { get; }
    /// <summary>Element type.</summary>
    public BtfType ElementType => Owner[ElementTypeId];
}
