namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_ENUM or BTF_KIND_ENUM64.</summary>
public sealed class BtfEnum : BtfType
{
    internal BtfEnum(BtfSpec owner, uint id, string name, BtfKind kind, uint size, bool signed, BtfEnumValue[] values)
        : base(owner, id, name, kind)
    {
        Size = size;
        IsSigned = signed;
        Values = new ReadOnlyArray<BtfEnumValue>(values);
    }

    /// <summary>Size in bytes.</summary>
    public uint Size { get; }
    /// <summary>kind_flag: the values are signed.</summary>
    public bool IsSigned { get; }
    /// <summary>Enumerators in declaration order.</summary>
    public IReadOnlyList<BtfEnumValue> Values { get; }
}
