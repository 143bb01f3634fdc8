using System.Globalization;

namespace PSBpf.Engine.Btf.CHeader;

/// <summary>
/// Evaluates a C integer constant expression over a token list: literals, + - * / % &lt;&lt; &gt;&gt; &amp; | ^ ~ ! and
/// comparisons, &amp;&amp; || ?: and parentheses. Identifiers go to a callback (enumerators in declarations, 0 in
/// <c>#if</c>), so does <c>sizeof</c>. Arithmetic is 64-bit signed, which covers what headers use for sizes and values.
/// </summary>
internal sealed class CConstantExpression
{
    private readonly IReadOnlyList<CToken> _tokens;
    private readonly Func<CToken, long> _identifier;
    private readonly Func<int, (long Value, int Next)>? _sizeof;
    private readonly Func<int, (int Size, bool Signed, int Next)?>? _cast;

    /// <param name="tokens">Tokens, ending with an End token.</param>
    /// <param name="position">Where the expression starts.</param>
    /// <param name="identifier">The value of an identifier (throws when it has none).</param>
    /// <param name="sizeOf">Given the position after <c>sizeof</c>, the size and the position after its operand; null: sizeof is an error.</param>
    /// <param name="cast">Given the position after a '(', the integer type named there (size, signedness, position after the ')'), or null when it is no type.</param>
    public CConstantExpression(IReadOnlyList<CToken> tokens, int position, Func<CToken, long> identifier, Func<int, (long, int)>? sizeOf = null,
        Func<int, (int, bool, int)?>? cast = null)
    {
        _tokens = tokens;
        Position = position;
        _identifier = identifier;
        _sizeof = sizeOf;
        _cast = cast;
    }

    /// <summary>The position after what was parsed.</summary>
    public int Position { get; private set; }

    private CToken Peek => _tokens[Math.Min(Position, _tokens.Count - 1)];

    private CToken Next() => _tokens[Math.Min(Position++, _tokens.Count - 1)];

    /// <summary>A conditional expression (no comma operator: a comma ends it, as in array sizes and enumerators).</summary>
    public long Parse()
    {
        long c = Binary(0);
        if (!Peek.Is("?")) return c;
        Next();
        long a = Parse();
        Expect(":");
        long b = Parse();
        return c != 0 ? a : b;
    }

    private static int Precedence(CToken t) => t.Kind != CTokenKind.Punctuator ? -1 : t.Text switch
    {
        "||" => 0,
        "&&" => 1,
        "|" => 2,
        "^" => 3,
        "&" => 4,
        "==" or "!=" => 5,
        "<" or ">" or "<=" or ">=" => 6,
        "<<" or ">>" => 7,
        "+" or "-" => 8,
        "*" or "/" or "%" => 9,
        _ => -1,
    };

    private long Binary(int min)
    {
        long left = Unary();
        while (true)
        {
            var op = Peek;
            int p = Precedence(op);
            if (p < min) return left;
            Next();
            long right = Binary(p + 1);
            left = op.Text switch
            {
                "||" => left != 0 || right != 0 ? 1 : 0,
                "&&" => left != 0 && right != 0 ? 1 : 0,
                "|" => left | right,
                "^" => left ^ right,
                "&" => left & right,
                "==" => left == right ? 1 : 0,
                "!=" => left != right ? 1 : 0,
                "<" => left < right ? 1 : 0,
                ">" => left > right ? 1 : 0,
                "<=" => left <= right ? 1 : 0,
                ">=" => left >= right ? 1 : 0,
                "<<" => right is < 0 or > 63 ? throw op.Location.Error($"shift count {right} is out of range") : left << (int)right,
                ">>" => right is < 0 or > 63 ? throw op.Location.Error($"shift count {right} is out of range") : left >> (int)right,
                "+" => unchecked(left + right),
                "-" => unchecked(left - right),
                "*" => unchecked(left * right),
                "/" => right == 0 ? throw op.Location.Error("division by zero in a constant expression") : left / right,
                _ => right == 0 ? throw op.Location.Error("division by zero in a constant expression") : left % right,
            };
        }
    }

    private long Unary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case CTokenKind.Punctuator when t.Text == "-": return unchecked(-Unary());
            case CTokenKind.Punctuator when t.Text == "+": return Unary();
            case CTokenKind.Punctuator when t.Text == "~": return ~Unary();
            case CTokenKind.Punctuator when t.Text == "!": return Unary() == 0 ? 1 : 0;
            case CTokenKind.Punctuator when t.Text == "(" && _cast?.Invoke(Position) is var (castSize, castSigned, after):
            {
                // a cast: the operand converted to the type's width, as C does for (__u32)-1 or (__u64)1 << 63
                Position = after;
                long operand = Unary();
                if (castSize >= 8) return operand;
                int bits = castSize * 8;
                long truncated = operand & ((1L << bits) - 1);
                return castSigned && (truncated & (1L << (bits - 1))) != 0 ? truncated - (1L << bits) : truncated;
            }
            case CTokenKind.Punctuator when t.Text == "(":
                long v = Parse();
                Expect(")");
                return v;
            case CTokenKind.Number: return Number(t);
            case CTokenKind.Char: return Character(t);
            case CTokenKind.Identifier when t.Text == "sizeof":
                if (_sizeof is null) throw t.Location.Error("sizeof is not allowed here");
                var (size, next) = _sizeof(Position);
                Position = next;
                return size;
            case CTokenKind.Identifier: return _identifier(t);
            case CTokenKind.Unsupported: throw t.Location.Error(t.Text);
            default: throw t.Location.Error($"expected a constant expression, found {t}");
        }
    }

    private void Expect(string punctuator)
    {
        var t = Next();
        if (!t.Is(punctuator)) throw t.Location.Error($"expected '{punctuator}' in a constant expression, found {t}");
    }

    /// <summary>An integer literal: decimal, 0x hex, 0b binary or 0 octal, with any u/l suffixes.</summary>
    public static long Number(CToken t)
    {
        string s = t.Text.TrimEnd('u', 'U', 'l', 'L');
        try
        {
            ulong v;
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) v = ulong.Parse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            else if (s.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) v = Convert.ToUInt64(s[2..], 2);
            else if (s.Length > 1 && s[0] == '0') v = Convert.ToUInt64(s, 8);
            else v = ulong.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
            return unchecked((long)v);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw t.Location.Error($"'{t.Text}' is not an integer constant");
        }
    }

    private static long Character(CToken t)
    {
        string body = t.Text[1..^1];
        if (body.Length == 1) return body[0];
        if (body.Length >= 2 && body[0] == '\\')
        {
            switch (body[1])
            {
                case 'n': return '\n';
                case 't': return '\t';
                case 'r': return '\r';
                case '0' when body.Length == 2: return 0;
                case '\\': return '\\';
                case '\'': return '\'';
                case '"': return '"';
                case 'x': return Convert.ToInt64(body[2..], 16);
                case >= '0' and <= '7': return Convert.ToInt64(body[1..], 8);
            }
        }

        throw t.Location.Error($"character constant {t.Text} is not supported");
    }
}
