namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_CONST, BTF_KIND_VOLATILE or BTF_KIND_RESTRICT.</summary>
public sealed class BtfQualifier : BtfReference
{
    internal BtfQualifier(BtfSpec owner, uint id, string name, BtfKind kind, uint typeId) : base(owner, id, name, kind, typeId) { }
}
