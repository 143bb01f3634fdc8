namespace PSBpf.Engine.Btf.CHeader;

/// <summary>
/// Splits C source into tokens: comments and backslash-newlines vanish, each token keeps its line and column, and the
/// first token of each line is marked so the preprocessor can find directives.
/// </summary>
internal static class CLexer
{
    // Longest first: the lexer takes the first that matches.
    private static readonly string[] Punctuators =
    [
        "...", "<<=", ">>=",
        "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "++", "--", "##",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    ];

    public static List<CToken> Tokenize(string text, string file)
    {
        var tokens = new List<CToken>();
        int i = 0, line = 1, col = 1;
        bool startsLine = true, space = false;

        void Advance(int n)
        {
            for (int k = 0; k < n; k++, i++)
            {
                if (text[i] == '\n') { line++; col = 1; }
                else col++;
            }
        }

        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < text.Length && text[i + 2] == '\n')))
            {
                Advance(text[i + 1] == '\r' ? 3 : 2); // line splice: the line goes on
                space = true;
                continue;
            }

            if (c == '\n')
            {
                Advance(1);
                startsLine = true;
                space = true;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                Advance(1);
                space = true;
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    // a backslash at the end of a // comment continues it, as in C
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '\n') Advance(1);
                    Advance(1);
                }

                space = true;
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var at = new CLocation(file, line, col);
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw at.Error("unterminated /* comment");
                Advance(end + 2 - i);
                space = true;
                continue;
            }

            var loc = new CLocation(file, line, col);
            int start = i;
            CTokenKind kind;
            if (char.IsLetter(c) || c == '_' || c == '$')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$')) Advance(1);
                kind = CTokenKind.Identifier;
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                // a preprocessing number: digits, letters, dots, and signs after an exponent
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' or '_' ||
                    (text[i] is '+' or '-' && text[i - 1] is 'e' or 'E' or 'p' or 'P'))) Advance(1);
                kind = CTokenKind.Number;
            }
            else if (c is '"' or '\'')
            {
                Advance(1);
                while (true)
                {
                    if (i >= text.Length || text[i] == '\n') throw loc.Error($"unterminated {(c == '"' ? "string" : "character")} literal");
                    if (text[i] == '\\' && i + 1 < text.Length) { Advance(2); continue; }
                    if (text[i] == c) { Advance(1); break; }
                    Advance(1);
                }

                kind = c == '"' ? CTokenKind.String : CTokenKind.Char;
            }
            else
            {
                string? p = null;
                foreach (var candidate in Punctuators)
                {
                    if (string.CompareOrdinal(text, i, candidate, 0, candidate.Length) == 0) { p = candidate; break; }
                }

                Advance(p?.Length ?? 1);
                kind = CTokenKind.Punctuator;
            }

            tokens.Add(new CToken(kind, text[start..i], loc, startsLine, space));
            startsLine = false;
            space = false;
        }

        tokens.Add(new CToken(CTokenKind.End, string.Empty, new CLocation(file, line, col), true, true));
        return tokens;
    }
}
