namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_INT: an integer of <see cref="Size"/> bytes.</summary>
public sealed class BtfInt : BtfType
{
    internal BtfInt(BtfSpec owner, uint id, string name, uint size, BtfIntEncoding encoding, byte bitOffset, byte bits)
        : base(owner, id, name, BtfKind.Int)
    {
        Size = size;
        Encoding = encoding;
        BitOffset = bitOffset;
        Bits = bits;
    }

    /// <summary>Storage size in bytes.</summary>
    public uint Size { get; }
    /// <summary>Signed/char/bool bits.</summary>
    public BtfIntEncoding Encoding { get; }
    /// <summary>BTF_INT_OFFSET (legacy bitfield encoding, almost always 0).</summary>
    public byte BitOffset { get; }
    /// <summary>BTF_INT_BITS: number of value bits.</summary>
    public byte Bits { get; }
    /// <summary>True for signed integers.</summary>
    public bool IsSigned => (Encoding & BtfIntEncoding.Signed) != 0;
    /// <summary>True for bool.</summary>
    public bool IsBool => (Encoding & BtfIntEncoding.Bool) != 0;
    /// <summary>True for char types (also plain 1-byte "char").</summary>
    public bool IsChar => (Encoding & BtfIntEncoding.Char) != 0 || (Size == 1 && Name is "char" or "signed char" or "unsigned char");
}
