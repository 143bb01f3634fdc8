namespace PSBpf.Engine.Btf.CHeader;

/// <summary>
/// Reads the declarations of preprocessed C: struct, union and enum definitions, typedefs, and (skipped) variable and
/// function declarations. Type names the header does not define come from <see cref="CBuiltinTypes"/>, then the kernel BTF.
/// </summary>
internal sealed class CHeaderParser
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "const", "volatile", "restrict", "__restrict", "__restrict__", "__const", "__const__", "__volatile", "__volatile__",
        "static", "extern", "inline", "__inline", "__inline__", "register", "auto", "_Thread_local", "__thread",
        "__extension__", "_Noreturn", "__always_inline",
    };

    private static readonly HashSet<string> BaseWords = new(StringComparer.Ordinal)
    {
        "signed", "__signed", "__signed__", "unsigned", "short", "long", "int", "char", "_Bool", "float", "double", "void", "__int128",
    };

    private readonly List<CToken> _t;
    private readonly CBuiltinTypes _builtins = new();
    private readonly Func<BtfSpec?> _kernel;
    private readonly Dictionary<string, CType> _typedefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CRecordType> _records = new(StringComparer.Ordinal); // "struct x" / "union x"
    private readonly Dictionary<string, CEnumType> _enums = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _enumerators = new(StringComparer.Ordinal);
    private readonly List<(string Name, CType Type)> _declared = [];
    private int _p;

    public CHeaderParser(List<CToken> tokens, Func<BtfSpec?> kernel)
    {
        _t = tokens;
        _kernel = kernel;
    }

    /// <summary>Named types in declaration order: "struct x", "union x", "enum x" for tags, the name for typedefs.</summary>
    public IReadOnlyList<(string Name, CType Type)> Declared => _declared;

    private CToken Peek => _t[_p];

    private CToken PeekAt(int ahead) => _t[Math.Min(_p + ahead, _t.Count - 1)];

    private CToken Next() => _t[_p < _t.Count - 1 ? _p++ : _p];

    private CToken Expect(string punctuator, string what)
    {
        var t = Next();
        if (!t.Is(punctuator)) throw Unexpected(t, $"expected '{punctuator}' {what}");
        return t;
    }

    private static BpfHeaderException Unexpected(CToken t, string expected) =>
        t.Kind == CTokenKind.Unsupported ? t.Location.Error(t.Text) : t.Location.Error($"{expected}, found {t}");

    public void Parse()
    {
        while (Peek.Kind != CTokenKind.End)
        {
            if (Peek.Is(";")) { Next(); continue; }
            if (Peek.IsIdentifier("_Static_assert") || Peek.IsIdentifier("static_assert") || Peek.IsIdentifier("asm") || Peek.IsIdentifier("__asm__"))
            {
                SkipStatement(_p);
                continue;
            }

            int start = _p;
            try
            {
                TopLevelDeclaration();
            }
            catch (BpfHeaderException) when (IsFunctionOrExtern(start))
            {
                // a function (or extern/static variable) declaration that is not understood: it declares no type, so it is skipped
                SkipStatement(start);
            }
        }
    }

    /// <summary>
    /// True when the statement at <paramref name="start"/> declares a function (a '(' outside brackets: a declarator's
    /// parameters, or a declaration macro) or an extern/static variable, and is no typedef and defines no struct, union
    /// or enum: what may be skipped when not understood. Anything else that fails is reported.
    /// </summary>
    private bool IsFunctionOrExtern(int start)
    {
        bool function = _t[start].Kind == CTokenKind.Identifier && _t[start].Text is "extern" or "static" or "inline" or "__inline" or "__inline__";
        int depth = 0;
        for (int i = start; i < _t.Count && _t[i].Kind != CTokenKind.End; i++)
        {
            var t = _t[i];
            if (depth == 0 && t.IsIdentifier("typedef")) return false;
            if (t.Kind == CTokenKind.Identifier && t.Text is "struct" or "union" or "enum")
            {
                int j = i + 1;
                while (_t[j].IsIdentifier("__attribute__") || _t[j].IsIdentifier("__attribute")) j = SkipBalancedFrom(j + 1);
                if (_t[j].Kind == CTokenKind.Identifier) j++;
                if (_t[j].Is("{")) return false;
            }

            if (depth == 0 && (t.Is("(") || t.Kind == CTokenKind.Unsupported)) function = true;
            if (t.Is("(") || t.Is("[") || t.Is("{"))
            {
                if (depth == 0 && t.Is("{")) return function && i > start && _t[i - 1].Is(")"); // a function body
                depth++;
            }
            else if (t.Is(")") || t.Is("]") || t.Is("}")) depth--;
            if (depth == 0 && t.Is(";")) return function;
        }

        return function;
    }

    /// <summary>Moves past the statement at <paramref name="start"/>: to its ';', or past a function body.</summary>
    private void SkipStatement(int start)
    {
        _p = start;
        while (Peek.Kind != CTokenKind.End)
        {
            var t = Peek;
            if (t.Is(";")) { Next(); return; }
            if (t.Is("{"))
            {
                bool body = _p > start && _t[_p - 1].Is(")");
                _p = SkipBalancedFrom(_p);
                if (body) return;
                continue;
            }

            if (t.Is("(") || t.Is("[")) { _p = SkipBalancedFrom(_p); continue; }
            Next();
        }
    }

    /// <summary>The position after the bracketed group that opens at <paramref name="open"/> (the token itself when it opens none).</summary>
    private int SkipBalancedFrom(int open)
    {
        if (!(_t[open].Is("(") || _t[open].Is("[") || _t[open].Is("{"))) return open;
        int depth = 0;
        for (int i = open; i < _t.Count; i++)
        {
            var t = _t[i];
            if (t.Kind == CTokenKind.End) throw _t[open].Location.Error($"'{_t[open].Text}' is never closed");
            if (t.Is("(") || t.Is("[") || t.Is("{")) depth++;
            else if ((t.Is(")") || t.Is("]") || t.Is("}")) && --depth == 0) return i + 1;
        }

        throw _t[open].Location.Error($"'{_t[open].Text}' is never closed");
    }

    private void TopLevelDeclaration()
    {
        var baseType = Specifiers(out bool isTypedef, out var attributes);
        if (Peek.Is(";")) { Next(); return; }
        while (true)
        {
            var d = Declarator(abstractAllowed: false);
            var type = d.Derive(baseType);
            var after = new CAttributes();
            Attributes(after);
            if (isTypedef)
            {
                if (d.Name is null) throw d.Location.Error("typedef needs a name");
                int align = Math.Max(attributes.Aligned, after.Aligned);
                if (!_typedefs.ContainsKey(d.Name))
                {
                    var td = new CTypedefType(d.Name, type, align);
                    _typedefs[d.Name] = td;
                    _declared.Add((d.Name, td));
                }
            }

            if (Peek.Is("="))
            {
                // an initializer: skipped to the next ',' or ';' outside brackets
                Next();
                while (!(Peek.Is(",") || Peek.Is(";") || Peek.Kind == CTokenKind.End))
                {
                    if (Peek.Is("(") || Peek.Is("[") || Peek.Is("{")) _p = SkipBalancedFrom(_p);
                    else Next();
                }
            }

            if (Peek.Is("{") && !isTypedef)
            {
                _p = SkipBalancedFrom(_p); // a function body
                return;
            }

            if (Peek.Is(",")) { Next(); continue; }
            Expect(";", "after a declaration");
            return;
        }
    }

    /// <summary>Declaration specifiers: qualifiers and storage classes (ignored), base type words, a struct/union/enum, or a type name.</summary>
    private CType Specifiers(out bool isTypedef, out CAttributes attributes)
    {
        isTypedef = false;
        attributes = new CAttributes();
        var start = Peek;
        int signed = 0, unsigned = 0, shorts = 0, longs = 0, ints = 0, chars = 0, bools = 0, floats = 0, doubles = 0, voids = 0, int128 = 0;
        CType? named = null;
        bool any = false;
        while (true)
        {
            var t = Peek;
            if (t.Kind == CTokenKind.Unsupported) throw t.Location.Error(t.Text);
            if (t.Kind != CTokenKind.Identifier) break;
            string w = t.Text;
            if (w == "typedef") { Next(); isTypedef = true; continue; }
            if (Ignored.Contains(w)) { Next(); continue; }
            if (w is "__attribute__" or "__attribute") { Attributes(attributes); continue; }
            if (w == "_Alignas")
            {
                Next();
                Expect("(", "after _Alignas");
                attributes.Aligned = Math.Max(attributes.Aligned, Alignment(t, ConstantExpression()));
                Expect(")", "after the _Alignas value");
                continue;
            }

            if (w is "typeof" or "__typeof__" or "__typeof" or "_Atomic" or "_Complex" or "_Imaginary")
            {
                throw t.Location.Error($"'{w}' is not supported in a type");
            }

            if (BaseWords.Contains(w))
            {
                if (named is not null) break;
                Next();
                any = true;
                switch (w)
                {
                    case "signed" or "__signed" or "__signed__": signed++; break;
                    case "unsigned": unsigned++; break;
                    case "short": shorts++; break;
                    case "long": longs++; break;
                    case "int": ints++; break;
                    case "char": chars++; break;
                    case "_Bool": bools++; break;
                    case "float": floats++; break;
                    case "double": doubles++; break;
                    case "void": voids++; break;
                    default: int128++; break;
                }

                continue;
            }

            if (w is "struct" or "union")
            {
                if (any || named is not null) throw t.Location.Error($"'{w}' after another type in the same declaration");
                named = Record();
                continue;
            }

            if (w == "enum")
            {
                if (any || named is not null) throw t.Location.Error("'enum' after another type in the same declaration");
                named = Enum();
                continue;
            }

            if (any || named is not null) break; // the declarator's name
            Next();
            named = TypeName(t);
        }

        if (named is not null) return named;
        if (!any) throw Unexpected(Peek, "expected a type");
        return BaseType(start, signed, unsigned, shorts, longs, ints, chars, bools, floats, doubles, voids, int128);
    }

    private CType BaseType(CToken at, int signed, int unsigned, int shorts, int longs, int ints, int chars, int bools, int floats, int doubles, int voids, int int128)
    {
        string? name = null;
        bool sign = signed + unsigned <= 1 && ints <= 1 && !(signed > 0 && unsigned > 0);
        int kinds = (chars > 0 ? 1 : 0) + (bools > 0 ? 1 : 0) + (floats > 0 ? 1 : 0) + (doubles > 0 ? 1 : 0) + (voids > 0 ? 1 : 0) + (int128 > 0 ? 1 : 0);
        if (sign && kinds <= 1 && chars <= 1 && bools <= 1 && floats <= 1 && doubles <= 1 && voids <= 1 && int128 <= 1)
        {
            string u = unsigned > 0 ? "unsigned " : string.Empty;
            if (voids == 1 && signed + unsigned + shorts + longs + ints == 0) return CVoidType.Instance;
            if (bools == 1 && signed + unsigned + shorts + longs + ints == 0) name = "_Bool";
            else if (floats == 1 && signed + unsigned + shorts + longs + ints == 0) name = "float";
            else if (doubles == 1 && signed + unsigned + shorts + ints == 0 && longs == 0) name = "double";
            else if (doubles == 1 && longs == 1) throw at.Location.Error("'long double' is not supported (BPF has no long double)");
            else if (chars == 1 && shorts + longs + ints == 0) name = unsigned > 0 ? "unsigned char" : signed > 0 ? "signed char" : "char";
            else if (int128 == 1 && shorts + longs + ints == 0) name = u + "__int128";
            else if (kinds == 0 && shorts == 1 && longs == 0) name = u + "short";
            else if (kinds == 0 && shorts == 0 && longs == 0) name = u + "int";
            else if (kinds == 0 && shorts == 0 && longs == 1) name = u + "long";
            else if (kinds == 0 && shorts == 0 && longs == 2) name = u + "long long";
        }

        return name is null ? throw at.Location.Error("this combination of type specifiers is not a C type") : _builtins.Base(name);
    }

    /// <summary>A typedef name: the header's own, a built-in fixed-width name, or one the kernel BTF defines.</summary>
    private CType TypeName(CToken t)
    {
        if (_typedefs.TryGetValue(t.Text, out var own)) return own;
        if (_builtins.Typedef(t.Text) is { } builtin) return builtin;
        var kernel = _kernel();
        if (kernel?.FindByName(t.Text, BtfKind.Typedef) is { } k) return new CKernelType(k);
        throw t.Location.Error(kernel is null
            ? $"unknown type name '{t.Text}' (and no kernel BTF to look it up in)"
            : $"unknown type name '{t.Text}': the header does not define it and the kernel BTF has no typedef of that name");
    }

    private CRecordType Record()
    {
        var keyword = Next();
        bool union = keyword.Text == "union";
        var attributes = new CAttributes();
        Attributes(attributes);
        string? tag = null;
        var tagToken = Peek;
        if (Peek.Kind == CTokenKind.Identifier && !Peek.IsIdentifier("__attribute__")) tag = Next().Text;
        Attributes(attributes);
        if (!Peek.Is("{"))
        {
            if (tag is null) throw Unexpected(Peek, $"expected a tag name or '{{' after '{keyword.Text}'");
            return Tagged(union, tag, tagToken.Location);
        }

        var record = tag is null ? new CRecordType(union, null, keyword.Location) : Tagged(union, tag, tagToken.Location);
        if (record.IsComplete) throw tagToken.Location.Error($"redefinition of {record.Spelling} (first defined at {record.Location})");
        Next();
        var members = new List<CFieldDeclaration>();
        while (!Peek.Is("}"))
        {
            if (Peek.Kind == CTokenKind.End) throw keyword.Location.Error($"{record.Spelling} is never closed with '}}'");
            Member(record, members);
        }

        Next();
        Attributes(attributes);
        CheckNames(record, members);
        CRecordLayout.Layout(record, members, attributes.Packed, attributes.Aligned);
        return record;
    }

    private CRecordType Tagged(bool union, string tag, CLocation at)
    {
        string key = (union ? "union " : "struct ") + tag;
        if (_records.TryGetValue(key, out var existing)) return existing;
        string other = (union ? "struct " : "union ") + tag;
        if (_records.ContainsKey(other)) throw at.Error($"'{tag}' is already a {other.Split(' ')[0]} tag, used here as a {(union ? "union" : "struct")}");
        var r = new CRecordType(union, tag, at) { KernelLookup = KernelRecord };
        _records[key] = r;
        _declared.Add((key, r));
        return r;
    }

    private BtfType? KernelRecord(CRecordType r) =>
        r.Tag is null ? null : _kernel()?.FindByName(r.Tag, r.IsUnion ? BtfKind.Union : BtfKind.Struct);

    private BtfType? KernelEnum(CEnumType e) =>
        e.Tag is null || _kernel() is not { } k ? null : k.FindByName(e.Tag, BtfKind.Enum) ?? k.FindByName(e.Tag, BtfKind.Enum64);

    private static void CheckNames(CRecordType record, List<CFieldDeclaration> members)
    {
        var seen = new Dictionary<string, CLocation>(StringComparer.Ordinal);
        void Visit(string name, CLocation at)
        {
            if (name.Length == 0) return;
            if (!seen.TryAdd(name, at)) throw at.Error($"duplicate member '{name}' in {record.Spelling} (first at {seen[name]})");
        }

        foreach (var m in members)
        {
            if (m.Name.Length == 0 && m.Width is null && m.Type is CRecordType { IsComplete: true } anon)
            {
                foreach (var f in Flatten(anon)) Visit(f, m.Location); // members of anonymous structs are the parent's names
            }
            else Visit(m.Name, m.Location);
        }
    }

    private static IEnumerable<string> Flatten(CRecordType r)
    {
        foreach (var f in r.Fields)
        {
            if (f.Name.Length == 0 && f.Type is CRecordType inner) foreach (var n in Flatten(inner)) yield return n;
            else yield return f.Name;
        }
    }

    private void Member(CRecordType record, List<CFieldDeclaration> members)
    {
        if (Peek.Is(";")) { Next(); return; }
        if (Peek.IsIdentifier("_Static_assert") || Peek.IsIdentifier("static_assert"))
        {
            SkipStatement(_p);
            return;
        }

        var first = Peek;
        var baseType = Specifiers(out bool isTypedef, out var attributes);
        if (isTypedef) throw first.Location.Error($"typedef inside {record.Spelling}");
        if (Peek.Is(";"))
        {
            Next();
            // an anonymous struct or union member; a tagged one declared here declares nothing in the record
            if (baseType is CRecordType { Tag: null } anon) members.Add(new CFieldDeclaration(string.Empty, anon, null, attributes.Packed, attributes.Aligned, first.Location));
            return;
        }

        while (true)
        {
            var d = Declarator(abstractAllowed: true);
            var type = d.Derive(baseType);
            var memberAttributes = new CAttributes { Packed = attributes.Packed, Aligned = attributes.Aligned };
            Attributes(memberAttributes);
            int? width = null;
            if (Peek.Is(":"))
            {
                var colon = Next();
                long w = ConstantExpression();
                var resolved = type.Resolved;
                bool integer = resolved is CIntegerType { IsFloat: false } || resolved is CEnumType ||
                    (resolved is CKernelType k && k.Type.Owner.Resolve(k.Type.Id) is BtfInt or BtfEnum);
                if (!integer) throw colon.Location.Error($"bitfield '{d.Name}' has type {type}, which is not an integer or enum");
                long max = type.SizeAt(colon.Location) * 8;
                if (w < 0 || w > max) throw colon.Location.Error($"bitfield '{d.Name ?? "(unnamed)"}' is {w} bits wide; its type {type} has {max}");
                if (w == 0 && d.Name is not null) throw colon.Location.Error($"named bitfield '{d.Name}' has zero width");
                width = (int)w;
                Attributes(memberAttributes);
            }

            if (d.Name is null && width is null) throw d.Location.Error($"a member of {record.Spelling} needs a name");
            if (type is CFunctionType) throw d.Location.Error($"member '{d.Name}' is a function; a pointer to one ('(*{d.Name})(...)') is a member");
            members.Add(new CFieldDeclaration(d.Name ?? string.Empty, type, width, memberAttributes.Packed, memberAttributes.Aligned, d.Location));
            if (Peek.Is(",")) { Next(); continue; }
            Expect(";", $"after member '{d.Name}'");
            return;
        }
    }

    private CEnumType Enum()
    {
        var keyword = Next();
        var attributes = new CAttributes();
        Attributes(attributes);
        string? tag = null;
        var tagToken = Peek;
        if (Peek.Kind == CTokenKind.Identifier) tag = Next().Text;
        Attributes(attributes);
        if (Peek.Is(":")) throw Peek.Location.Error("enums with a fixed underlying type (enum x : type) are not supported");
        CEnumType e;
        if (tag is not null)
        {
            if (!_enums.TryGetValue(tag, out e!))
            {
                _enums[tag] = e = new CEnumType(tag, tagToken.Location) { KernelLookup = KernelEnum };
                _declared.Add(("enum " + tag, e));
            }
        }
        else
        {
            if (!Peek.Is("{")) throw Unexpected(Peek, "expected a tag name or '{' after 'enum'");
            e = new CEnumType(null, keyword.Location);
        }

        if (!Peek.Is("{")) return e;
        if (e.IsComplete) throw tagToken.Location.Error($"redefinition of {e.Spelling} (first defined at {e.Location})");
        Next();
        var values = new List<BtfEnumValue>();
        long next = 0;
        while (!Peek.Is("}"))
        {
            var name = Next();
            if (name.Kind != CTokenKind.Identifier) throw Unexpected(name, "expected an enumerator name");
            Attributes(new CAttributes());
            long value = next;
            if (Peek.Is("="))
            {
                Next();
                value = ConstantExpression();
            }

            if (!_enumerators.TryAdd(name.Text, value)) throw name.Location.Error($"redefinition of enumerator '{name.Text}'");
            values.Add(new BtfEnumValue(name.Text, value));
            next = unchecked(value + 1);
            if (Peek.Is(",")) { Next(); continue; }
            if (!Peek.Is("}")) throw Unexpected(Peek, "expected ',' or '}' in the enumerator list");
        }

        Next();
        Attributes(attributes);
        if (values.Count == 0) throw keyword.Location.Error("an enum needs at least one enumerator");
        long min = values.Min(v => v.Value), maxValue = values.Max(v => v.Value);
        bool signed = min < 0;
        int size;
        if (attributes.Packed)
        {
            size = Fits(min, maxValue, 1) ? 1 : Fits(min, maxValue, 2) ? 2 : Fits(min, maxValue, 4) ? 4 : 8;
        }
        else
        {
            size = (min >= int.MinValue && maxValue <= int.MaxValue) || (min >= 0 && maxValue <= uint.MaxValue) ? 4 : 8;
        }

        e.Complete(values, size, signed);
        return e;
    }

    private static bool Fits(long min, long max, int bytes)
    {
        int bits = bytes * 8;
        return min < 0 ? min >= -(1L << (bits - 1)) && max < (1L << (bits - 1)) : (ulong)max < (1UL << bits);
    }

    /// <summary>Pointers, a name or a parenthesised declarator, then array and function suffixes.</summary>
    private CDeclarator Declarator(bool abstractAllowed)
    {
        int pointers = 0;
        while (Peek.Is("*"))
        {
            Next();
            pointers++;
            while (Peek.Kind == CTokenKind.Identifier && (Ignored.Contains(Peek.Text) || Peek.Text is "__attribute__" or "__attribute"))
            {
                if (Peek.Text is "__attribute__" or "__attribute") Attributes(new CAttributes());
                else Next();
            }
        }

        var at = Peek.Location;
        string? name = null;
        CDeclarator? inner = null;
        if (Peek.Kind == CTokenKind.Identifier && !Peek.IsIdentifier("__attribute__"))
        {
            name = Next().Text;
        }
        else if (Peek.Is("(") && (PeekAt(1).Is("*") || PeekAt(1).Is("(")))
        {
            Next();
            inner = Declarator(abstractAllowed);
            Expect(")", "to close the declarator");
            name = inner.Name;
            at = inner.Location;
        }
        else if (Peek.Kind == CTokenKind.Unsupported)
        {
            throw Peek.Location.Error(Peek.Text);
        }
        else if (!abstractAllowed && !Peek.Is("("))
        {
            throw Unexpected(Peek, "expected a name");
        }

        var suffixes = new List<Func<CType, CType>>();
        while (true)
        {
            if (Peek.Is("["))
            {
                var open = Next();
                long count = 0;
                if (!Peek.Is("]"))
                {
                    count = ConstantExpression();
                    if (count < 0) throw open.Location.Error($"array size {count} is negative");
                }

                Expect("]", "after the array size");
                suffixes.Add(element =>
                {
                    element.SizeAt(open.Location); // an array of an incomplete type is an error here, not at layout
                    return new CArrayType(element, count);
                });
                continue;
            }

            if (Peek.Is("("))
            {
                _p = SkipBalancedFrom(_p); // parameters: no layout depends on them
                suffixes.Add(ret => new CFunctionType(ret));
                continue;
            }

            break;
        }

        return new CDeclarator(name, at, type =>
        {
            for (int i = 0; i < pointers; i++) type = new CPointerType(type);
            for (int i = suffixes.Count - 1; i >= 0; i--) type = suffixes[i](type);
            return inner is null ? type : inner.Derive(type);
        });
    }

    /// <summary>Any number of <c>__attribute__((...))</c>; packed and aligned(N) are kept, the rest ignored.</summary>
    private void Attributes(CAttributes into)
    {
        while (Peek.IsIdentifier("__attribute__") || Peek.IsIdentifier("__attribute"))
        {
            Next();
            Expect("(", "after __attribute__");
            Expect("(", "after __attribute__(");
            while (!Peek.Is(")"))
            {
                if (Peek.Is(",")) { Next(); continue; }
                var a = Next();
                if (a.Kind != CTokenKind.Identifier) throw Unexpected(a, "expected an attribute name");
                string name = a.Text.Length > 4 && a.Text.StartsWith("__", StringComparison.Ordinal) && a.Text.EndsWith("__", StringComparison.Ordinal) ? a.Text[2..^2] : a.Text;
                if (name == "packed") into.Packed = true;
                if (name == "aligned")
                {
                    if (!Peek.Is("(")) throw a.Location.Error("'aligned' without a value is not supported; write aligned(N)");
                    Next();
                    into.Aligned = Math.Max(into.Aligned, Alignment(a, ConstantExpression()));
                    Expect(")", "after the aligned value");
                    continue;
                }

                if (name == "mode") throw a.Location.Error("the 'mode' attribute is not supported");
                if (Peek.Is("(")) _p = SkipBalancedFrom(_p);
            }

            Next();
            Expect(")", "to close __attribute__((...))");
        }
    }

    private static int Alignment(CToken at, long value) =>
        value > 0 && value <= 1 << 20 && (value & (value - 1)) == 0 ? (int)value : throw at.Location.Error($"alignment {value} is not a power of 2");

    private long ConstantExpression()
    {
        var e = new CConstantExpression(_t, _p, Enumerator, SizeOf, Cast);
        long v = e.Parse();
        _p = e.Position;
        return v;
    }

    private long Enumerator(CToken t) =>
        _enumerators.TryGetValue(t.Text, out long v) ? v
        : throw t.Location.Error($"'{t.Text}' is not a constant: no enumerator or #define of that name is known here");

    /// <summary>A cast's type name at <paramref name="position"/> (after its '('): size and signedness of the integer, enum or pointer it names; null when no type starts there.</summary>
    private (int, bool, int)? Cast(int position)
    {
        var t = _t[position];
        bool typeStart = t.Kind == CTokenKind.Identifier &&
            (BaseWords.Contains(t.Text) || t.Text is "struct" or "union" or "enum" or "const" or "volatile" || _typedefs.ContainsKey(t.Text) || _builtins.Typedef(t.Text) is not null);
        if (!typeStart) return null;
        int saved = _p;
        _p = position;
        try
        {
            var type = Specifiers(out _, out _);
            var d = Declarator(abstractAllowed: true);
            if (d.Name is not null) throw d.Location.Error("a cast takes a type name, not a declaration");
            type = d.Derive(type);
            Expect(")", "after the cast's type");
            var resolved = type.Resolved;
            return resolved switch
            {
                CIntegerType { IsFloat: false } i => (i.Size, (i.Encoding & BtfIntEncoding.Signed) != 0, _p),
                CEnumType e => ((int)e.SizeAt(t.Location), e.IsSigned, _p),
                CPointerType => (8, false, _p),
                _ => throw t.Location.Error($"a cast to {type} is not an integer constant"),
            };
        }
        finally
        {
            _p = saved;
        }
    }

    /// <summary>sizeof(type-name), at <paramref name="position"/> (after the keyword).</summary>
    private (long, int) SizeOf(int position)
    {
        int saved = _p;
        _p = position;
        var open = Expect("(", "after sizeof (sizeof takes a parenthesised type name)");
        var type = Specifiers(out _, out _);
        var d = Declarator(abstractAllowed: true);
        if (d.Name is not null) throw d.Location.Error("sizeof takes a type name here, not an expression");
        type = d.Derive(type);
        Expect(")", "after the sizeof type");
        long size = type.SizeAt(open.Location);
        int after = _p;
        _p = saved;
        return (size, after);
    }
}
