namespace PSBpf.Engine.Btf.CHeader;

/// <summary>Token classes of the C subset the header parser reads.</summary>
internal enum CTokenKind
{
    Identifier,
    Number,
    String,
    Char,
    Punctuator,
    /// <summary>A use of something the preprocessor cannot expand (a function-like macro): an error only where the parser needs it.</summary>
    Unsupported,
    End,
}
