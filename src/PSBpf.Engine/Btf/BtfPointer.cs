namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_PTR.</summary>
public sealed class BtfPointer : BtfReference
{
    internal BtfPointer(BtfSpec owner, uint id, string name, uint typeId) : base(owner, id, name, BtfKind.Pointer, typeId) { }
}
