namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_TYPEDEF.</summary>
public sealed class BtfTypedef : BtfReference
{
    internal BtfTypedef(BtfSpec owner, uint id, string name, uint typeId) : base(owner, id, name, BtfKind.Typedef, typeId) { }
}
