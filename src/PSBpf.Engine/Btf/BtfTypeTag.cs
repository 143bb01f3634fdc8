namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_TYPE_TAG: <see cref="BtfType.Name"/> is the tag value.</summary>
public sealed class BtfTypeTag : BtfReference
{
    internal BtfTypeTag(BtfSpec owner, uint id, string name, uint typeId) : base(owner, id, name, BtfKind.TypeTag, typeId) { }
}
