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
}
