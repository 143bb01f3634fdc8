namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_TYPE_TAG: <see cref="BtfType.Name"/> is the tag value.</summary>
public sealed class BtfTypeTag : BtfReference
{
    internal BtfTypeTag(BtfSpec owner, uint id, string name, uint typeId) : base(owner, id, name, BtfKind.TypeTag, typeId) { }

    /// <summary>kind_flag: the tag is a compiler attribute rather than a btf_*_tag annotation (Linux 6.12+).</summary>
    public bool IsAttribute => KindFlag;
}
