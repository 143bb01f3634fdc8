using System.Text;

namespace PSBpf.Engine.Btf;

/// <summary>
/// Spells a BTF type as C would declare it (<c>const volatile __u64</c>, <c>char[16]</c>, <c>struct task_struct *</c>,
/// <c>int (*)(void *)</c>): the inside-out declarator rules of C, so that pointers to arrays and functions get their
/// parentheses and qualifiers of a pointer follow its star.
/// </summary>
internal static class BtfCDeclaration
{
    // Deeper chains than this only come from malformed (cyclic) BTF; printing stops there rather than recursing forever.
    private const int MaxDepth = 64;

    /// <summary>The C spelling of <paramref name="type"/>, declaring <paramref name="declarator"/> (empty: an abstract declarator).</summary>
    public static string Of(BtfType type, string declarator = "") => Declare(type, declarator, 0);

    private static string Declare(BtfType? type, string inner, int depth)
    {
        if (depth > MaxDepth)
        {
            return Join("...", inner);
        }

        switch (type)
        {
            case null:
                return Join("<missing type>", inner);
            case BtfVoid:
                return Join("void", inner);
            case BtfQualifier or BtfTypeTag:
                return QualifierOn((BtfReference)type, inner, depth);
            case BtfPointer p:
                var target = Lookup(p, p.TypeId);
                string star = "*" + inner;
                return target is BtfArray or BtfFuncProto ? Declare(target, "(" + star + ")", depth + 1) : Declare(target, star, depth + 1);
            case BtfArray a:
                return Declare(Lookup(a, a.ElementTypeId), inner + $"[{a.Count}]", depth + 1);
            case BtfFuncProto f:
                return Declare(Lookup(f, f.ReturnTypeId), inner + "(" + Parameters(f, depth) + ")", depth + 1);
            case BtfFunc fn:
                return Declare(Lookup(fn, fn.TypeId), inner.Length == 0 ? fn.Name : inner, depth + 1);
            case BtfVar v:
                return Declare(Lookup(v, v.TypeId), inner.Length == 0 ? v.Name : inner, depth + 1);
            case BtfDatasec d:
                return Join($"SEC(\"{d.Name}\")", inner);
            case BtfDeclTag tag:
                return Join($"__attribute__((btf_decl_tag(\"{tag.Name}\")))", inner);
            default:
                return Join(BaseName(type), inner);
        }
    }

    // Qualifiers of a pointer follow its star, in chain order (char *const volatile); of anything else they come first
    // (const volatile __u64). One walk collects the chain and finds what it qualifies.
    private static string QualifierOn(BtfReference qualifier, string inner, int depth)
    {
        var words = new StringBuilder(Word(qualifier));
        var target = Lookup(qualifier, qualifier.TypeId);
        while (target is BtfQualifier or BtfTypeTag && ++depth <= MaxDepth)
        {
            var r = (BtfReference)target;
            words.Append(' ').Append(Word(r));
            target = Lookup(r, r.TypeId);
        }

        return target is BtfPointer
            ? Declare(target, inner.Length == 0 ? words.ToString() : words.Append(' ').Append(inner).ToString(), depth + 1)
            : words.Append(' ').Append(Declare(target, inner, depth + 1)).ToString();
    }

    private static string Word(BtfReference qualifier) => qualifier switch
    {
        BtfTypeTag t => $"__attribute__((btf_type_tag(\"{t.Name}\")))",
        _ => qualifier.Kind switch { BtfKind.Const => "const", BtfKind.Volatile => "volatile", _ => "restrict" },
    };

    private static string Parameters(BtfFuncProto proto, int depth)
    {
        if (proto.Parameters.Count == 0)
        {
            return "void";
        }

        var sb = new StringBuilder();
        for (int i = 0; i < proto.Parameters.Count; i++)
        {
            var p = proto.Parameters[i];
            if (i > 0) sb.Append(", ");
            // BTF encodes C's "..." as a last parameter of type void without a name.
            sb.Append(p.TypeId == 0 && p.Name.Length == 0 && i == proto.Parameters.Count - 1 ? "..." : Declare(Lookup(proto, p.TypeId), p.Name, depth + 1));
        }

        return sb.ToString();
    }

    private static string BaseName(BtfType type)
    {
        string name = type.Name.Length == 0 ? "{...}" : type.Name;
        return type switch
        {
            BtfComposite => (type.Kind == BtfKind.Union ? "union " : "struct ") + name,
            BtfEnum => "enum " + name,
            BtfForward f => (f.IsUnion ? "union " : "struct ") + name,
            _ => type.Name.Length == 0 ? $"(anon {type.Kind.ToString().ToLowerInvariant()})" : type.Name,
        };
    }

    // A dangling id (malformed BTF) prints as a missing type instead of throwing from ToString.
    private static BtfType? Lookup(BtfType from, uint id)
    {
        try
        {
            return from.Owner[id];
        }
        catch (BpfFormatException)
        {
            return null;
        }
    }

    private static string Join(string baseName, string inner) =>
        inner.Length == 0 ? baseName : inner[0] == '[' ? baseName + inner : baseName + " " + inner;
}
