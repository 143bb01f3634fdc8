namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_STRUCT or BTF_KIND_UNION.</summary>
public sealed class BtfComposite : BtfType
{
    internal BtfComposite(BtfSpec owner, uint id, string name, BtfKind kind, uint size, BtfMember[] members, bool kindFlag)
        : base(owner, id, name, kind)
    {
        Size = size;
        Members = new ReadOnlyArray<BtfMember>(members);
        HasBitfieldEncoding = kindFlag;
    }

    /// <summary>Size in bytes.</summary>
    public uint Size { get; }
    /// <summary>Members in declaration order.</summary>
    public IReadOnlyList<BtfMember> Members { get; }
    /// <summary>True for unions.</summary>
    public bool IsUnion => Kind == BtfKind.Union;
    /// <summary>kind_flag: member offsets carry bitfield sizes.</summary>
    public bool HasBitfieldEncoding { get; }
}
