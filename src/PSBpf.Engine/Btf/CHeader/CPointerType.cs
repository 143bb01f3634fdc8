namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A pointer: 8 bytes on BPF, decoded as the address it holds.</summary>
internal sealed class CPointerType(CType target) : CType
{
    public CType Target { get; } = target;
    public override long SizeAt(CLocation use) => 8;
    public override int AlignAt(CLocation use) => 8;
    public override string Spelling => Target.Spelling + " *";
}
