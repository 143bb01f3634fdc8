namespace PSBpf.Engine.Btf.CHeader;

/// <summary>
/// The part of the C preprocessor that BPF shared headers use: <c>#include "local.h"</c> (relative to the including
/// file; <c>&lt;system&gt;</c> headers and vmlinux.h are skipped, their names come from kernel BTF),
/// <c>#define</c>/<c>#undef</c> of object-like macros, <c>#if</c>/<c>#ifdef</c>/<c>#ifndef</c>/<c>#elif</c>/<c>#else</c>/<c>#endif</c>
/// with <c>defined</c> and integer expressions, <c>#pragma once</c>. A function-like macro becomes an
/// <see cref="CTokenKind.Unsupported"/> token where it is invoked, an error only if the parser reaches it in a type.
/// </summary>
internal sealed class CPreprocessor
{
    private const int MaxIncludeDepth = 64;
    private const int MaxExpansionDepth = 256;

    private readonly Dictionary<string, CMacro> _macros = new(StringComparer.Ordinal);
    private readonly HashSet<string> _once = new(StringComparer.Ordinal);
    private readonly List<CToken> _output = [];
    private readonly List<string> _skippedIncludes = [];
    private readonly List<string> _files = [];

    public CPreprocessor()
    {
        // What clang -target bpf predefines that headers test; the BPF side of a shared header is the one that matters.
        foreach (var (name, value) in new[]
        {
            ("__bpf__", "1"), ("__BPF__", "1"), ("__STDC__", "1"), ("__STDC_VERSION__", "201710L"), ("__LP64__", "1"), ("_LP64", "1"),
            ("__CHAR_BIT__", "8"), ("__SIZEOF_INT__", "4"), ("__SIZEOF_LONG__", "8"), ("__SIZEOF_LONG_LONG__", "8"),
            ("__SIZEOF_POINTER__", "8"), ("__SIZEOF_SHORT__", "2"), ("__ORDER_LITTLE_ENDIAN__", "1234"),
            ("__ORDER_BIG_ENDIAN__", "4321"), ("__BYTE_ORDER__", "1234"), ("__LITTLE_ENDIAN__", "1"),
            // what the skipped <asm/byteorder.h> defines on a little-endian target; uapi headers choose bitfield orders by it
            ("__LITTLE_ENDIAN", "1234"), ("__LITTLE_ENDIAN_BITFIELD", "1"),
        })
        {
            var loc = new CLocation("<built-in>", 1, 1);
            _macros[name] = new CMacro(name, false, [new CToken(CTokenKind.Number, value, loc, false, true)], null);
        }
    }

    /// <summary>The expanded tokens so far, ending with an End token once <see cref="Finish"/> ran.</summary>
    public List<CToken> Output => _output;

    /// <summary>The <c>#include &lt;...&gt;</c> (and vmlinux.h) names that were skipped.</summary>
    public IReadOnlyList<string> SkippedIncludes => _skippedIncludes;

    /// <summary>Every file read, the root first.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Reads a header file (and what it includes).</summary>
    public void AddFile(string path) => ProcessFile(Path.GetFullPath(path), null, 0, null);

    /// <summary>Reads declaration text as if it were a file named <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public void AddText(string text, string name, string directory) => ProcessText(text, name, directory, 0);

    /// <summary>Ends the output with an End token.</summary>
    public List<CToken> Finish()
    {
        var last = _output.Count > 0 ? _output[^1].Location : new CLocation("<input>", 1, 1);
        _output.Add(new CToken(CTokenKind.End, string.Empty, last, true, true));
        return _output;
    }

    private void ProcessFile(string fullPath, string? displayName, int depth, CLocation? includedFrom)
    {
        if (_once.Contains(fullPath)) return;
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (includedFrom is { } at && e is IOException or UnauthorizedAccessException)
        {
            throw at.Error($"cannot read included header '{fullPath}': {e.Message}");
        }

        _files.Add(fullPath);
        ProcessText(text, displayName ?? fullPath, Path.GetDirectoryName(fullPath) ?? ".", depth, fullPath);
    }

    private void ProcessText(string text, string name, string directory, int depth, string? fullPath = null)
    {
        var tokens = CLexer.Tokenize(text, name);
        var conditions = new Stack<CConditional>();
        int i = 0;
        while (tokens[i].Kind != CTokenKind.End)
        {
            var t = tokens[i];
            if (t.Is("#") && t.StartsLine)
            {
                int j = i + 1;
                while (!tokens[j].StartsLine) j++;
                Directive(t, tokens.GetRange(i + 1, j - i - 1), conditions, directory, depth, fullPath);
                i = j;
                continue;
            }

            if (conditions.Count > 0 && !conditions.Peek().Active)
            {
                i++;
                continue;
            }

            ExpandAt(tokens, ref i, [], _output, 0);
        }

        if (conditions.Count > 0) throw conditions.Peek().Location.Error("#if without #endif");
    }

    private void Directive(CToken hash, List<CToken> line, Stack<CConditional> conditions, string directory, int depth, string? fullPath)
    {
        if (line.Count == 0) return; // a lone '#' is a null directive
        var nameToken = line[0];
        string name = nameToken.Text;
        bool active = conditions.Count == 0 || conditions.Peek().Active;
        switch (name)
        {
            case "if" or "ifdef" or "ifndef":
            {
                if (!active)
                {
                    conditions.Push(new CConditional(false, true, false, hash.Location));
                    return;
                }

                bool value = name == "if" ? Evaluate(line, hash) : IsDefined(line, hash) == (name == "ifdef");
                conditions.Push(new CConditional(value, value, true, hash.Location));
                return;
            }
            case "elif":
            {
                var top = conditions.Count > 0 ? conditions.Peek() : throw hash.Location.Error("#elif without #if");
                if (top.SeenElse) throw hash.Location.Error("#elif after #else");
                if (!top.ParentActive || top.Taken)
                {
                    top.Active = false;
                    return;
                }

                top.Active = top.Taken = Evaluate(line, hash);
                return;
            }
            case "else":
            {
                var top = conditions.Count > 0 ? conditions.Peek() : throw hash.Location.Error("#else without #if");
                if (top.SeenElse) throw hash.Location.Error("#else after #else");
                top.SeenElse = true;
                top.Active = top.ParentActive && !top.Taken;
                top.Taken = true;
                return;
            }
            case "endif":
                if (conditions.Count == 0) throw hash.Location.Error("#endif without #if");
                conditions.Pop();
                return;
        }

        if (!active) return; // anything else in a skipped group is not even looked at
        switch (name)
        {
            case "define": Define(line, hash); return;
            case "undef":
                if (line.Count < 2 || line[1].Kind != CTokenKind.Identifier) throw hash.Location.Error("#undef needs a macro name");
                _macros.Remove(line[1].Text);
                return;
            case "include": Include(line, hash, directory, depth); return;
            case "include_next": _skippedIncludes.Add(string.Concat(line.Skip(1).Select(t => t.Text))); return;
            case "pragma":
                if (line.Count > 1 && line[1].IsIdentifier("once") && fullPath is not null) _once.Add(fullPath);
                // #pragma pack changes layouts; ignoring it would decode wrong offsets without a word
                if (line.Count > 1 && line[1].IsIdentifier("pack")) throw line[1].Location.Error("#pragma pack is not supported; use __attribute__((packed)) on the struct");
                return; // other pragmas change nothing the layout needs
            case "error":
                throw hash.Location.Error($"#error {string.Join(" ", line.Skip(1).Select(t => t.Text))}");
            case "warning" or "line" or "ident" or "sccs":
                return;
            default:
                if (nameToken.Kind == CTokenKind.Number) return; // "# 12 file" line markers from preprocessed input
                throw nameToken.Location.Error($"unknown preprocessor directive '#{name}'");
        }
    }

    private void Define(List<CToken> line, CToken hash)
    {
        if (line.Count < 2 || line[1].Kind != CTokenKind.Identifier) throw hash.Location.Error("#define needs a macro name");
        var name = line[1];
        bool function = line.Count > 2 && line[2].Is("(") && !line[2].SpaceBefore;
        int bodyStart = 2;
        if (function)
        {
            bodyStart = line.FindIndex(3, t => t.Is(")"));
            if (bodyStart < 0) throw line[2].Location.Error($"missing ')' in the parameter list of macro '{name.Text}'");
            bodyStart++;
        }

        _macros[name.Text] = new CMacro(name.Text, function, line.GetRange(bodyStart, line.Count - bodyStart), name.Location);
    }

    private void Include(List<CToken> line, CToken hash, string directory, int depth)
    {
        if (line.Count < 2) throw hash.Location.Error("#include needs a file name");
        var what = line[1];
        if (what.Is("<"))
        {
            _skippedIncludes.Add(string.Concat(line.Skip(1).Select(t => t.Text)));
            return;
        }

        if (what.Kind != CTokenKind.String) throw what.Location.Error("#include takes \"file\" or <file> (computed includes are not supported)");
        string file = what.Text[1..^1];
        if (Path.GetFileName(file) == "vmlinux.h")
        {
            // the kernel's types: the same names come from the running kernel's BTF, without parsing 100k lines
            _skippedIncludes.Add(what.Text);
            return;
        }

        if (depth >= MaxIncludeDepth) throw what.Location.Error($"#include nested more than {MaxIncludeDepth} deep (an include loop without a guard?)");
        string full = Path.GetFullPath(Path.Combine(directory, file));
        if (!File.Exists(full)) throw what.Location.Error($"included header '{file}' not found (looked for {full})");
        ProcessFile(full, null, depth + 1, what.Location);
    }

    private bool IsDefined(List<CToken> line, CToken hash)
    {
        if (line.Count < 2 || line[1].Kind != CTokenKind.Identifier) throw hash.Location.Error($"#{line[0].Text} needs a macro name");
        return _macros.ContainsKey(line[1].Text);
    }

    private bool Evaluate(List<CToken> line, CToken hash)
    {
        // defined X / defined(X) first, before macros expand
        var replaced = new List<CToken>();
        for (int k = 1; k < line.Count; k++)
        {
            var t = line[k];
            if (!t.IsIdentifier("defined"))
            {
                replaced.Add(t);
                continue;
            }

            bool paren = k + 1 < line.Count && line[k + 1].Is("(");
            int n = paren ? k + 2 : k + 1;
            if (n >= line.Count || line[n].Kind != CTokenKind.Identifier) throw t.Location.Error("'defined' needs a macro name");
            if (paren && (n + 1 >= line.Count || !line[n + 1].Is(")"))) throw t.Location.Error("missing ')' after 'defined(name'");
            replaced.Add(t with { Kind = CTokenKind.Number, Text = _macros.ContainsKey(line[n].Text) ? "1" : "0" });
            k = paren ? n + 1 : n;
        }

        if (replaced.Count == 0) throw hash.Location.Error($"#{line[0].Text} needs an expression");
        var end = line[^1].Location;
        replaced.Add(new CToken(CTokenKind.End, string.Empty, end with { Column = end.Column + line[^1].Text.Length }, true, true));
        var expanded = new List<CToken>();
        int i = 0;
        while (replaced[i].Kind != CTokenKind.End) ExpandAt(replaced, ref i, [], expanded, 0);
        expanded.Add(replaced[^1]);
        // identifiers left after expansion are 0, as C says (true/false included, as in C before C23)
        var expression = new CConstantExpression(expanded, 0, _ => 0);
        long value = expression.Parse();
        if (expanded[expression.Position].Kind != CTokenKind.End) throw expanded[expression.Position].Location.Error($"unexpected {expanded[expression.Position]} in #{line[0].Text}");
        return value != 0;
    }

    /// <summary>Copies the token at <paramref name="i"/> to <paramref name="output"/>, expanding macros, and moves past what it used.</summary>
    private void ExpandAt(List<CToken> tokens, ref int i, HashSet<string> active, List<CToken> output, int level)
    {
        var t = tokens[i++];
        if (t.Kind != CTokenKind.Identifier || active.Contains(t.Text) || !_macros.TryGetValue(t.Text, out var macro))
        {
            output.Add(t);
            return;
        }

        if (macro.IsFunctionLike)
        {
            if (i >= tokens.Count || !tokens[i].Is("("))
            {
                output.Add(t); // a function-like macro's name without '(' is an ordinary identifier
                return;
            }

            int nest = 0;
            for (; i < tokens.Count && tokens[i].Kind != CTokenKind.End; i++)
            {
                if (tokens[i].Is("(")) nest++;
                else if (tokens[i].Is(")") && --nest == 0) { i++; break; }
            }

            output.Add(t with { Kind = CTokenKind.Unsupported, Text = $"function-like macro '{macro.Name}'{(macro.Location is { } at ? $" (defined at {at})" : string.Empty)} is not supported here" });
            return;
        }

        if (level >= MaxExpansionDepth) throw t.Location.Error($"macro '{t.Text}' expands more than {MaxExpansionDepth} levels deep");
        if (macro.Body.Any(b => b.Is("##") || b.Is("#")))
        {
            output.Add(t with { Kind = CTokenKind.Unsupported, Text = $"macro '{macro.Name}' uses # or ##, which is not supported" });
            return;
        }

        var body = new List<CToken>(macro.Body.Count + 1);
        // expanded tokens report the place of the use: that is the line a user can look at
        foreach (var b in macro.Body) body.Add(b with { Location = t.Location, StartsLine = false });
        body.Add(new CToken(CTokenKind.End, string.Empty, t.Location, true, true));
        active.Add(macro.Name);
        int k = 0;
        while (body[k].Kind != CTokenKind.End) ExpandAt(body, ref k, active, output, level + 1);
        active.Remove(macro.Name);
    }
}
