namespace PSBpf.Engine.Btf.CHeader;

/// <summary>Where a token was read: file, 1-based line and column.</summary>
internal readonly record struct CLocation(string File, int Line, int Column)
{
    public BpfHeaderException Error(string detail) => new(File, Line, Column, detail);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
