namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_DECL_TAG: <see cref="BtfType.Name"/> is the tag value, attached to a type or one of its members/parameters.</summary>
public sealed class BtfDeclTag : BtfReference
{
    internal BtfDeclTag(BtfSpec owner, uint id, string name, uint typeId, int componentIndex)
        : base(owner, id, name, BtfKind.DeclTag, typeId)
    {
        ComponentIndex = componentIndex;
    }

    /// <summary>-1 when the tag applies to the type itself, else the member or parameter index.</summary>
    public int ComponentIndex { get; }

    /// <summary>kind_flag: the tag is a compiler attribute rather than a btf_*_tag annotation (Linux 6.12+).</summary>
    public bool IsAttribute => KindFlag;
}
