using System.Buffers.Binary;
using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace PSBpf.Engine.Btf;

/// <summary>
/// Turns bytes into values shaped by BTF and back: integers of the right width and sign, bools, enums by name,
/// char arrays as strings, structs and unions as ordered dictionaries (or what a <see cref="BtfValueFactory"/> builds),
/// arrays as object arrays.
/// Values are little-endian (host order of every machine this runs on).
/// </summary>
public static class BtfValueCodec
{
    private const int MaxDepth = 64;

    /// <summary>Decodes <paramref name="data"/> as type <paramref name="typeId"/> of <paramref name="btf"/>.</summary>
    public static object? Decode(BtfSpec btf, uint typeId, ReadOnlySpan<byte> data) => Decode(btf, typeId, data, BtfValueFactory.Default);

    /// <summary>Decodes <paramref name="data"/>, building structs, unions and DATASECs through <paramref name="factory"/>.</summary>
    public static object? Decode(BtfSpec btf, uint typeId, ReadOnlySpan<byte> data, BtfValueFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        CheckSize(btf, typeId, data.Length, string.Empty);
        return Decode(btf, typeId, data, factory, 0);
    }

    /// <summary>Encodes <paramref name="value"/> as type <paramref name="typeId"/> into <paramref name="destination"/>.
    /// Struct members and array elements not named by the value keep their current bytes.</summary>
    /// <exception cref="BpfValueException">The value does not fit; the message names the field.</exception>
    public static void Encode(BtfSpec btf, uint typeId, object? value, Span<byte> destination, string path = "")
    {
        CheckSize(btf, typeId, destination.Length, path);
        Encode(btf, typeId, value, destination, path, 0);
    }

    /// <summary>The bytes must cover the type; nested members are bounds-checked against their parent as they are visited.</summary>
    private static void CheckSize(BtfSpec btf, uint typeId, int length, string path)
    {
        long size = btf.SizeOf(typeId);
        if (size > length)
        {
            throw new BpfValueException(path, $"{length} bytes cannot hold {btf.Resolve(typeId)}, which needs {size}");
        }
    }

    private static object? Decode(BtfSpec btf, uint typeId, ReadOnlySpan<byte> data, BtfValueFactory factory, int depth)
    {
        if (depth > MaxDepth) throw new BpfValueException(string.Empty, "type nesting is too deep");
        var t = btf.Resolve(typeId);
        switch (t)
        {
            case BtfInt i:
                return DecodeInt(i, data);
            case BtfEnum e:
            {
                if (e.Size is not (1 or 2 or 4 or 8) || data.Length < e.Size) throw new BpfValueException(string.Empty, $"{data.Length} bytes cannot hold {e}");
                long raw = ReadSigned(data, (int)e.Size, e.IsSigned);
                if (!e.IsSigned && e.Size == 8)
                {
                    raw = (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
                }

                foreach (var v in e.Values)
                {
                    if (v.Value == raw || (!e.IsSigned && e.Size < 8 && (v.Value & Mask((int)e.Size)) == raw)) return v.Name;
                }

                return e.IsSigned ? raw : (object)(ulong)raw;
            }
            case BtfPointer:
                return data.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(data) : throw new BpfValueException(string.Empty, "a pointer needs 8 bytes");
            case BtfFloat f:
                if (data.Length < f.Size) throw new BpfValueException(string.Empty, $"{data.Length} bytes cannot hold {f}");
                return f.Size switch
                {
                    4 => BinaryPrimitives.ReadSingleLittleEndian(data),
                    8 => BinaryPrimitives.ReadDoubleLittleEndian(data),
                    _ => data[..(int)f.Size].ToArray(),
                };
            case BtfArray a:
            {
                long elemSize = btf.SizeOf(a.ElementTypeId);
                if (elemSize * a.Count > data.Length)
                {
                    throw new BpfValueException(string.Empty, $"array of {a.Count} x {elemSize} bytes exceeds the {data.Length} bytes available");
                }

                if (btf.Resolve(a.ElementTypeId) is BtfInt { Size: 1 } ci && ci.IsChar && TryDecodeString(data[..(int)a.Count], out var s))
                {
                    return s;
                }

                var items = new object?[a.Count];
                for (int k = 0; k < a.Count; k++)
                {
                    items[k] = Decode(btf, a.ElementTypeId, data.Slice((int)(k * elemSize), (int)elemSize), factory, depth + 1);
                }

                return items;
            }
            case BtfComposite c:
            {
                var result = new OrderedDictionary(StringComparer.Ordinal);
                DecodeMembers(btf, c, data, result, factory, depth);
                return factory.Record(result);
            }
            case BtfDatasec d:
            {
                var result = new OrderedDictionary(StringComparer.Ordinal);
                foreach (var v in d.Variables)
                {
                    if (btf[v.TypeId] is not BtfVar var || v.Offset + v.Size > data.Length) continue;
                    result[var.Name] = Decode(btf, var.TypeId, data.Slice((int)v.Offset, (int)v.Size), factory, depth + 1);
                }

                return factory.Record(result);
            }
            default:
                return data.ToArray();
        }
    }

    private static void DecodeMembers(BtfSpec btf, BtfComposite c, ReadOnlySpan<byte> data, OrderedDictionary result, BtfValueFactory factory, int depth)
    {
        foreach (var m in c.Members)
        {
            object? v;
            if (m.BitfieldSize != 0 || btf.Resolve(m.TypeId) is BtfInt { BitOffset: not 0 })
            {
                v = DecodeBitfield(btf, m, data);
            }
            else
            {
                long size = btf.SizeOf(m.TypeId);
                int off = (int)(m.BitOffset / 8);
                if (off + size > data.Length) continue;
                var slice = data.Slice(off, (int)size);
                if (m.Name.Length == 0 && btf.Resolve(m.TypeId) is BtfComposite inner)
                {
                    DecodeMembers(btf, inner, slice, result, factory, depth + 1); // anonymous struct/union: members appear inline, as in C
                    continue;
                }

                v = Decode(btf, m.TypeId, slice, factory, depth + 1);
            }

            result[m.Name] = v;
        }
    }

    private static object DecodeBitfield(BtfSpec btf, BtfMember m, ReadOnlySpan<byte> data)
    {
        var t = btf.Resolve(m.TypeId);
        bool signed = t is BtfInt { IsSigned: true } || t is BtfEnum { IsSigned: true };
        uint bits = m.BitfieldSize != 0 ? m.BitfieldSize : ((BtfInt)t).Bits;
        uint bitOff = m.BitOffset + (t is BtfInt i ? i.BitOffset : 0u);
        UInt128 raw = ReadBits(data, bitOff, bits);
        if (t is BtfEnum e)
        {
            foreach (var v in e.Values) if ((UInt128)(ulong)v.Value == raw) return v.Name;
        }

        if (t is BtfInt { IsBool: true }) return raw != 0;
        if (signed && bits < 128 && (raw >> (int)(bits - 1)) != 0)
        {
            return (long)(ulong)(raw | (UInt128.MaxValue << (int)bits));
        }

        // Not a ?: expression: that would widen the ulong to UInt128, which PowerShell and JSON do not show as a number.
        if (bits <= 64) return (ulong)raw;
        return raw;
    }

    private static UInt128 ReadBits(ReadOnlySpan<byte> data, uint bitOffset, uint bits)
    {
        UInt128 v = 0;
        for (uint b = 0; b < bits; b++)
        {
            uint pos = bitOffset + b;
            if (pos / 8 >= data.Length) break;
            if (((data[(int)(pos / 8)] >> (int)(pos % 8)) & 1) != 0) v |= UInt128.One << (int)b;
        }

        return v;
    }

    private static void WriteBits(Span<byte> data, uint bitOffset, uint bits, UInt128 value)
    {
        for (uint b = 0; b < bits; b++)
        {
            uint pos = bitOffset + b;
            byte mask = (byte)(1 << (int)(pos % 8));
            if (((value >> (int)b) & 1) != 0) data[(int)(pos / 8)] |= mask;
            else data[(int)(pos / 8)] &= (byte)~mask;
        }
    }

    /// <summary>
    /// The integer type <paramref name="typeId"/> resolves to (through typedefs and modifiers) and the bytes
    /// <see cref="Decode(BtfSpec, uint, ReadOnlySpan{byte})"/> requires for it, or null for other kinds. With both, a caller
    /// decoding many values of one type skips the per-value resolution: <see cref="DecodeInt"/> on at least
    /// <paramref name="size"/> bytes gives exactly what Decode gives.
    /// </summary>
    internal static BtfInt? ResolveInt(BtfSpec btf, uint typeId, out long size)
    {
        size = 0;
        if (btf.Resolve(typeId) is not BtfInt i) return null;
        size = btf.SizeOf(typeId);
        return i;
    }

    /// <summary>An integer (or bool) of type <paramref name="i"/>, boxed as its .NET type of the same width and sign.</summary>
    internal static object DecodeInt(BtfInt i, ReadOnlySpan<byte> d)
    {
        if (d.Length < i.Size || i.Size == 0)
        {
            throw new BpfValueException(string.Empty, $"{d.Length} bytes cannot hold {i}");
        }

        if (i.IsBool) return d[0] != 0;
        return (i.Size, i.IsSigned) switch
        {
            (1, true) => (sbyte)d[0],
            (1, false) => d[0],
            (2, true) => BinaryPrimitives.ReadInt16LittleEndian(d),
            (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(d),
            (4, true) => BinaryPrimitives.ReadInt32LittleEndian(d),
            (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(d),
            (8, true) => BinaryPrimitives.ReadInt64LittleEndian(d),
            (8, false) => BinaryPrimitives.ReadUInt64LittleEndian(d),
            (16, true) => BinaryPrimitives.ReadInt128LittleEndian(d),
            (16, false) => BinaryPrimitives.ReadUInt128LittleEndian(d),
            _ => d[..(int)i.Size].ToArray(),
        };
    }

    private static bool TryDecodeString(ReadOnlySpan<byte> bytes, out string value)
    {
        value = string.Empty;
        int nul = bytes.IndexOf((byte)0);
        if (nul < 0) return false; // not NUL-terminated: show as numbers
        foreach (var b in bytes[nul..])
        {
            if (b != 0) return false; // data after the terminator would be lost
        }

        var text = bytes[..nul];
        foreach (var b in text)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r') return false;
        }

        try
        {
            value = new UTF8Encoding(false, true).GetString(text);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static long ReadSigned(ReadOnlySpan<byte> d, int size, bool signed) => size switch
    {
        1 => signed ? (sbyte)d[0] : d[0],
        2 => signed ? BinaryPrimitives.ReadInt16LittleEndian(d) : BinaryPrimitives.ReadUInt16LittleEndian(d),
        4 => signed ? BinaryPrimitives.ReadInt32LittleEndian(d) : BinaryPrimitives.ReadUInt32LittleEndian(d),
        8 => BinaryPrimitives.ReadInt64LittleEndian(d),
        _ => 0,
    };

    private static long Mask(int size) => size >= 8 ? -1L : (1L << (size * 8)) - 1;

    private static void Encode(BtfSpec btf, uint typeId, object? value, Span<byte> dest, string path, int depth)
    {
        if (depth > MaxDepth) throw new BpfValueException(path, "type nesting is too deep");
        var t = btf.Resolve(typeId);
        switch (t)
        {
            case BtfInt i:
                EncodeInt(i, value, dest, path);
                return;
            case BtfEnum e:
                EncodeEnum(e, value, dest, path);
                return;
            case BtfPointer:
                WriteInteger(ToBigInteger(value, path, "a pointer-sized integer"), 8, false, dest, path, "pointer");
                return;
            case BtfFloat f:
            {
                double d = value switch
                {
                    null => throw new BpfValueException(path, "a float value is required"),
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
                    IConvertible c when value is not string => c.ToDouble(CultureInfo.InvariantCulture),
                    _ => throw new BpfValueException(path, $"cannot convert {Describe(value)} to a {f.Size * 8}-bit float"),
                };
                if (f.Size == 4) BinaryPrimitives.WriteSingleLittleEndian(dest, (float)d);
                else if (f.Size == 8) BinaryPrimitives.WriteDoubleLittleEndian(dest, d);
                else throw new BpfValueException(path, $"{f.Size}-byte floats are not supported");
                return;
            }
            case BtfArray a:
                if (btf.SizeOf(a.ElementTypeId) * a.Count > dest.Length) throw new BpfValueException(path, $"array of {a.Count} elements exceeds the {dest.Length} bytes available");
                EncodeArray(btf, a, value, dest, path, depth);
                return;
            case BtfComposite c:
                EncodeComposite(btf, c, value, dest, path, depth);
                return;
            default:
                if (value is byte[] raw && raw.Length == dest.Length)
                {
                    raw.CopyTo(dest);
                    return;
                }

                throw new BpfValueException(path, $"cannot encode a value of BTF kind {t.Kind}; pass a byte[] of {dest.Length} bytes");
        }
    }

    private static void EncodeInt(BtfInt i, object? value, Span<byte> dest, string path)
    {
        if (i.IsBool)
        {
            dest[0] = value switch
            {
                bool b => (byte)(b ? 1 : 0),
                string s when bool.TryParse(s, out var b) => (byte)(b ? 1 : 0),
                _ => ToBigInteger(value, path, "a bool") switch
                {
                    var n when n == 0 => (byte)0,
                    var n when n == 1 => (byte)1,
                    var n => throw new BpfValueException(path, $"{n} is not a bool (use $true/$false, 0 or 1)"),
                },
            };
            return;
        }

        if (i.Size == 1 && i.IsChar && value is string { Length: 1 } ch)
        {
            value = (int)ch[0];
        }

        WriteInteger(ToBigInteger(value, path, $"a {(i.IsSigned ? "signed" : "unsigned")} {i.Size * 8}-bit integer"), (int)i.Size, i.IsSigned, dest, path, i.Name);
    }

    private static void EncodeEnum(BtfEnum e, object? value, Span<byte> dest, string path)
    {
        if (value is string s && !IsNumeric(s))
        {
            foreach (var v in e.Values)
            {
                if (string.Equals(v.Name, s, StringComparison.Ordinal))
                {
                    WriteInteger(e.IsSigned ? v.Value : (BigInteger)(ulong)v.Value & ((BigInteger.One << (int)(e.Size * 8)) - 1), (int)e.Size, e.IsSigned, dest, path, e.Name);
                    return;
                }
            }

            throw new BpfValueException(path, $"'{s}' is not a member of enum {(e.Name.Length == 0 ? "(anon)" : e.Name)}; members: {string.Join(", ", e.Values.Select(v => v.Name))}");
        }

        WriteInteger(ToBigInteger(value, path, "an enum name or number"), (int)e.Size, e.IsSigned, dest, path, e.Name);
    }

    private static void EncodeArray(BtfSpec btf, BtfArray a, object? value, Span<byte> dest, string path, int depth)
    {
        long elemSize = btf.SizeOf(a.ElementTypeId);
        var elem = btf.Resolve(a.ElementTypeId);
        if (value is string s && elem is BtfInt { Size: 1 })
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            if (bytes.Length > a.Count)
            {
                throw new BpfValueException(path, $"string of {bytes.Length} bytes does not fit in char[{a.Count}]");
            }

            dest[..(int)a.Count].Clear();
            bytes.CopyTo(dest);
            return;
        }

        if (value is byte[] raw && elemSize == 1)
        {
            if (raw.Length > a.Count) throw new BpfValueException(path, $"{raw.Length} bytes do not fit in an array of {a.Count}");
            dest[..(int)a.Count].Clear();
            raw.CopyTo(dest);
            return;
        }

        if (value is not IEnumerable list || value is string || value is IDictionary)
        {
            throw new BpfValueException(path, $"an array of {a.Count} elements is required, got {Describe(value)}");
        }

        int k = 0;
        foreach (var item in list)
        {
            if (k >= a.Count) throw new BpfValueException(path, $"more than {a.Count} elements");
            Encode(btf, a.ElementTypeId, item, dest.Slice((int)(k * elemSize), (int)elemSize), $"{path}[{k}]", depth + 1);
            k++;
        }
    }

    private static void EncodeComposite(BtfSpec btf, BtfComposite c, object? value, Span<byte> dest, string path, int depth)
    {
        if (value is byte[] raw)
        {
            if (raw.Length != c.Size) throw new BpfValueException(path, $"{raw.Length} bytes given for a {c.Size}-byte {(c.IsUnion ? "union" : "struct")}");
            raw.CopyTo(dest);
            return;
        }

        if (value is not IDictionary dict)
        {
            throw new BpfValueException(path, $"a dictionary of member values is required for {c}, got {Describe(value)}");
        }

        var members = new Dictionary<string, (BtfMember m, uint baseBits)>(StringComparer.OrdinalIgnoreCase);
        CollectMembers(btf, c, 0, members);
        foreach (DictionaryEntry entry in dict)
        {
            string key = entry.Key?.ToString() ?? string.Empty;
            string sub = path.Length == 0 ? key : $"{path}.{key}";
            if (!members.TryGetValue(key, out var found))
            {
                throw new BpfValueException(sub, $"{c} has no member '{key}'; members: {string.Join(", ", members.Keys)}");
            }

            var (m, baseBits) = found;
            uint bitOff = baseBits + m.BitOffset;
            var mt = btf.Resolve(m.TypeId);
            if (m.BitfieldSize != 0 || mt is BtfInt { BitOffset: not 0 })
            {
                uint bits = m.BitfieldSize != 0 ? m.BitfieldSize : ((BtfInt)mt).Bits;
                var scratch = new byte[16];
                Encode(btf, m.TypeId, entry.Value, scratch.AsSpan(0, (int)Math.Min(16, btf.SizeOf(m.TypeId))), sub, depth + 1);
                UInt128 v = BinaryPrimitives.ReadUInt128LittleEndian(scratch);
                UInt128 limit = bits >= 128 ? UInt128.MaxValue : (UInt128.One << (int)bits) - 1;
                bool signed = mt is BtfInt { IsSigned: true } || mt is BtfEnum { IsSigned: true };
                if (!signed && v > limit || signed && !FitsSignedBits(scratch, (int)btf.SizeOf(m.TypeId), (int)bits))
                {
                    throw new BpfValueException(sub, $"{entry.Value} does not fit in a {bits}-bit bitfield");
                }

                WriteBits(dest, bitOff + (mt is BtfInt bi ? bi.BitOffset : 0u), bits, v & limit);
                continue;
            }

            long size = btf.SizeOf(m.TypeId);
            Encode(btf, m.TypeId, entry.Value, dest.Slice((int)(bitOff / 8), (int)size), sub, depth + 1);
        }
    }

    private static bool FitsSignedBits(byte[] scratch, int size, int bits)
    {
        long v = ReadSigned(scratch, size, true);
        long min = -(1L << (bits - 1)), max = (1L << (bits - 1)) - 1;
        return v >= min && v <= max;
    }

    private static void CollectMembers(BtfSpec btf, BtfComposite c, uint baseBits, Dictionary<string, (BtfMember, uint)> into)
    {
        foreach (var m in c.Members)
        {
            if (m.Name.Length == 0 && btf.Resolve(m.TypeId) is BtfComposite inner)
            {
                CollectMembers(btf, inner, baseBits + m.BitOffset, into);
            }
            else
            {
                into.TryAdd(m.Name, (m, baseBits));
            }
        }
    }

    private static void WriteInteger(BigInteger v, int size, bool signed, Span<byte> dest, string path, string typeName)
    {
        BigInteger min = signed ? -(BigInteger.One << (size * 8 - 1)) : BigInteger.Zero;
        BigInteger max = signed ? (BigInteger.One << (size * 8 - 1)) - 1 : (BigInteger.One << (size * 8)) - 1;
        if (v < min || v > max)
        {
            throw new BpfValueException(path, $"{v} is out of range for {(typeName.Length == 0 ? string.Empty : typeName + ", ")}a {(signed ? "signed" : "unsigned")} {size * 8}-bit integer ({min}..{max})");
        }

        var bytes = v.ToByteArray();
        byte fill = v.Sign < 0 ? (byte)0xff : (byte)0;
        for (int k = 0; k < size; k++)
        {
            dest[k] = k < bytes.Length ? bytes[k] : fill;
        }
    }

    private static bool IsNumeric(string s) => s.Length > 0 && (char.IsDigit(s[0]) || s[0] == '-' || s[0] == '+');

    private static BigInteger ToBigInteger(object? value, string path, string expected)
    {
        switch (value)
        {
            case null: throw new BpfValueException(path, $"{expected} is required, got null");
            case bool b: return b ? 1 : 0;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                return value is ulong ul ? ul : Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case Int128 i128: return (BigInteger)i128;
            case UInt128 u128: return (BigInteger)u128;
            case BigInteger bi: return bi;
            case char c: return c;
            case Enum en:
                return Convert.GetTypeCode(en) is TypeCode.UInt64 ? Convert.ToUInt64(en, CultureInfo.InvariantCulture) : Convert.ToInt64(en, CultureInfo.InvariantCulture);
            case decimal d:
                if (decimal.Truncate(d) != d) throw new BpfValueException(path, $"{value} is not a whole number; {expected} is required");
                return new BigInteger(d);
            case float or double:
            {
                // Whole doubles convert exactly (1e30 included, for the range check to refuse); NaN and infinities are no number.
                double f = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(f)) throw new BpfValueException(path, $"{value} is not a number; {expected} is required");
                if (Math.Truncate(f) != f) throw new BpfValueException(path, $"{value} is not a whole number; {expected} is required");
                return new BigInteger(f);
            }
            case string s:
            {
                var text = s.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
                bool neg = text.StartsWith('-');
                var body = neg || text.StartsWith('+') ? text[1..] : text;
                BigInteger parsed;
                bool ok = body.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? BigInteger.TryParse("0" + body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out parsed)
                    : BigInteger.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out parsed);
                if (!ok) throw new BpfValueException(path, $"'{s}' is not {expected}");
                return neg ? -parsed : parsed;
            }
            default:
                throw new BpfValueException(path, $"cannot convert {Describe(value)} to {expected}");
        }
    }

    private static string Describe(object? value) => value is null ? "null" : $"{value.GetType().Name} '{value}'";
}
