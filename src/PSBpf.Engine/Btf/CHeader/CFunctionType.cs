namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A function type; only pointers to it can be members. Parameters are not kept: no layout depends on them.</summary>
internal sealed class CFunctionType(CType returnType) : CType
{
    public CType ReturnType { get; } = returnType;
    public override long SizeAt(CLocation use) => throw use.Error("a function is not a data member (a pointer to one is: add '*')");
    public override int AlignAt(CLocation use) => throw use.Error("a function is not a data member (a pointer to one is: add '*')");
    public override string Spelling => $"{ReturnType.Spelling} (...)";
}
