namespace PSBpf.Engine.Btf.CHeader;

/// <summary>An array of <see cref="Count"/> elements (0 for a flexible array member).</summary>
internal sealed class CArrayType(CType element, long count) : CType
{
    public CType Element { get; } = element;
    public long Count { get; } = count;
    public override long SizeAt(CLocation use) => checked(Count * Element.SizeAt(use));
    public override int AlignAt(CLocation use) => Element.AlignAt(use);
    public override string Spelling => $"{Element.Spelling}[{Count}]";
}
