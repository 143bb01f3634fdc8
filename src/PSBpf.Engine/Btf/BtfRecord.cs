using System.Buffers.Binary;

namespace PSBpf.Engine.Btf;

/// <summary>Layout facts about encoded BTF type records, shared by the raw rewriters (sanitiser, .ksyms fixup).</summary>
internal static class BtfRecord
{
    /// <summary>Bytes after the 12-byte common header for a record of this kind and vlen.</summary>
    public static int ExtraSize(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.Enum64 or BtfKind.Datasec => vlen * 12,
        BtfKind.Enum or BtfKind.FuncProto => vlen * 8,
        _ => 0,
    };

    /// <summary>Kind of the record starting at <paramref name="t"/>.</summary>
    public static BtfKind Kind(ReadOnlySpan<byte> t) => (BtfKind)((BinaryPrimitives.ReadUInt32LittleEndian(t[4..]) >> 24) & 0x1f);

    /// <summary>vlen of the record starting at <paramref name="t"/>.</summary>
    public static int Vlen(ReadOnlySpan<byte> t) => (int)(BinaryPrimitives.ReadUInt32LittleEndian(t[4..]) & 0xffff);

    /// <summary>Offsets of every record in an (already validated) type section; index i is type id i + 1.</summary>
    public static List<int> Index(ReadOnlySpan<byte> types)
    {
        var offsets = new List<int>();
        for (int o = 0; o < types.Length; o += 12 + ExtraSize(Kind(types[o..]), Vlen(types[o..])))
        {
            offsets.Add(o);
        }

        return offsets;
    }

    /// <summary>Copies of the type and string sections of an encoded blob (offsets relative to its header).</summary>
    public static (byte[] Types, byte[] Strings) Split(byte[] blob)
    {
        var s = blob.AsSpan();
        uint hdr = U32(s, 4), typeOff = U32(s, 8), typeLen = U32(s, 12), strOff = U32(s, 16), strLen = U32(s, 20);
        return (s.Slice((int)(hdr + typeOff), (int)typeLen).ToArray(), s.Slice((int)(hdr + strOff), (int)strLen).ToArray());
    }

    /// <summary>A blob with a fresh 24-byte header: types then appended types, strings then appended strings.</summary>
    public static byte[] Assemble(ReadOnlySpan<byte> types, ReadOnlySpan<byte> moreTypes, ReadOnlySpan<byte> strings, ReadOnlySpan<byte> moreStrings)
    {
        int typeLen = types.Length + moreTypes.Length, strLen = strings.Length + moreStrings.Length;
        var result = new byte[24 + typeLen + strLen];
        var r = result.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(r, BtfSpec.Magic);
        r[2] = 1; // version
        W32(r, 4, 24);
        W32(r, 8, 0);
        W32(r, 12, (uint)typeLen);
        W32(r, 16, (uint)typeLen);
        W32(r, 20, (uint)strLen);
        types.CopyTo(r[24..]);
        moreTypes.CopyTo(r[(24 + types.Length)..]);
        strings.CopyTo(r[(24 + typeLen)..]);
        moreStrings.CopyTo(r[(24 + typeLen + strings.Length)..]);
        return result;
    }

    /// <summary>Little-endian u32 at <paramref name="o"/>.</summary>
    public static uint U32(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);

    /// <summary>Writes a little-endian u32 at <paramref name="o"/>.</summary>
    public static void W32(Span<byte> s, int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(s[o..], v);
}
