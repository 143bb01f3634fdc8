namespace PSBpf.Engine.Btf.CHeader;

/// <summary>One token. <see cref="StartsLine"/> marks the first token of a source line (where directives begin).</summary>
internal sealed record CToken(CTokenKind Kind, string Text, CLocation Location, bool StartsLine, bool SpaceBefore)
{
    public bool Is(string punctuator) => Kind == CTokenKind.Punctuator && Text == punctuator;

    public bool IsIdentifier(string name) => Kind == CTokenKind.Identifier && Text == name;

    public override string ToString() => Kind == CTokenKind.End ? "end of input" : $"'{Text}'";
}
