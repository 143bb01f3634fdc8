namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A #define: object-like macros expand; function-like ones are kept only to name them when used.</summary>
internal sealed record CMacro(string Name, bool IsFunctionLike, IReadOnlyList<CToken> Body, CLocation? Location);
