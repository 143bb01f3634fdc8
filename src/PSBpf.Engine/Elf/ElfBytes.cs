using System.Buffers.Binary;

namespace PSBpf.Engine.Elf;

/// <summary>Bounds-checked, endian-aware reads over an ELF image; every failure is a <see cref="BpfFormatException"/>.</summary>
internal readonly struct ElfBytes
{
    private readonly ReadOnlyMemory<byte> _data;

    public ElfBytes(ReadOnlyMemory<byte> data, bool bigEndian, string? file, string? section)
    {
        _data = data;
        BigEndian = bigEndian;
        File = file;
        Section = section;
    }

    public bool BigEndian { get; }
    public string? File { get; }
    public string? Section { get; }
    public int Length => _data.Length;

    public ReadOnlySpan<byte> Span(long offset, long length, string what)
    {
        Check(offset, length, what);
        return _data.Span.Slice((int)offset, (int)length);
    }

    public ReadOnlyMemory<byte> Memory(long offset, long length, string what)
    {
        Check(offset, length, what);
        return _data.Slice((int)offset, (int)length);
    }

    public byte U8(long offset, string what) => Span(offset, 1, what)[0];

    public ushort U16(long offset, string what)
    {
        var s = Span(offset, 2, what);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
    }

    public uint U32(long offset, string what)
    {
        var s = Span(offset, 4, what);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
    }

    public ulong U64(long offset, string what)
    {
        var s = Span(offset, 8, what);
        return BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s);
    }

    public void Check(long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > _data.Length || length > _data.Length - offset)
        {
            throw new BpfFormatException(File, Section, offset,
                $"{what} ({length} bytes at 0x{offset:x}) lies outside the {_data.Length}-byte {(Section is null ? "file" : "section")}");
        }
    }

    public BpfFormatException Error(long? offset, string detail) => new(File, Section, offset, detail);
}
