namespace PSBpf.Engine.Btf.CHeader;

/// <summary>void: only behind a pointer or as a return type.</summary>
internal sealed class CVoidType : CType
{
    public static CVoidType Instance { get; } = new();
    public override long SizeAt(CLocation use) => throw use.Error("'void' has no size (only a pointer to it can be a member)");
    public override int AlignAt(CLocation use) => throw use.Error("'void' has no size (only a pointer to it can be a member)");
    public override string Spelling => "void";
}
