namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A base type: the integers, char, _Bool, and float/double (<see cref="IsFloat"/>), named as clang names them in BTF.</summary>
internal sealed class CIntegerType(string name, int size, BtfIntEncoding encoding, bool isFloat = false) : CType
{
    public string Name { get; } = name;
    public int Size { get; } = size;
    public BtfIntEncoding Encoding { get; } = encoding;
    public bool IsFloat { get; } = isFloat;
    public override long SizeAt(CLocation use) => Size;
    public override int AlignAt(CLocation use) => Size;
    public override string Spelling => Name;
}
