using System.Buffers.Binary;

namespace PSBpf.Engine.Btf;

/// <summary>Parsed .BTF.ext: func_info, line_info and CO-RE relocations, grouped by code section.</summary>
public sealed class BtfExt
{
    private const int MinHeader = 24;
    private readonly Dictionary<string, BtfExtSection> _sections = new(StringComparer.Ordinal);

    private BtfExt() { }

    /// <summary>Sections that have records.</summary>
    public IReadOnlyDictionary<string, BtfExtSection> Sections => _sections;

    /// <summary>Record size of func_info in the file (the kernel is given the same size).</summary>
    public uint FuncInfoRecordSize { get; private set; } = 8;
    /// <summary>Record size of line_info in the file.</summary>
    public uint LineInfoRecordSize { get; private set; } = 16;

    /// <summary>Records for a section, or null.</summary>
    public BtfExtSection? this[string section] => _sections.GetValueOrDefault(section);

    /// <summary>Parses a .BTF.ext blob; strings (section names, access strings) come from <paramref name="btf"/>.</summary>
    public static BtfExt Parse(ReadOnlyMemory<byte> data, BtfSpec btf, string? source = null)
    {
        var s = data.Span;
        var ext = new BtfExt();
        if (s.Length < MinHeader) throw Err(source, 0, $"truncated .BTF.ext header: {s.Length} bytes, need {MinHeader}");
        bool big = btf.IsBigEndian;
        ushort magic = big ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
        if (magic != BtfSpec.Magic) throw Err(source, 0, $"bad .BTF.ext magic 0x{magic:x4}");
        if (s[2] != 1) throw Err(source, 2, $"unsupported .BTF.ext version {s[2]}");
        uint hdrLen = U32(s, 4, big);
        if (hdrLen < MinHeader || hdrLen > s.Length) throw Err(source, 4, $"header length {hdrLen} is invalid for a {s.Length}-byte .BTF.ext");

        ext.FuncInfoRecordSize = ext.ReadInfo(data, btf, source, hdrLen, U32(s, 8, big), U32(s, 12, big), 8, "func_info", (sec, r, o) =>
            sec.FuncInfos.Add(new BtfFuncInfo(Insn(r, o, source), U32(r, 4, big))));
        ext.LineInfoRecordSize = ext.ReadInfo(data, btf, source, hdrLen, U32(s, 16, big), U32(s, 20, big), 16, "line_info", (sec, r, o) =>
            sec.LineInfos.Add(new BtfLineInfo(Insn(r, o, source), U32(r, 4, big), U32(r, 8, big), U32(r, 12, big))));
        if (hdrLen >= 32)
        {
            ext.ReadInfo(data, btf, source, hdrLen, U32(s, 24, big), U32(s, 28, big), 16, "core_relo", (sec, r, o) =>
            {
                uint accessOff = U32(r, 8, big);
                string access = Str(btf, accessOff, source, o);
                sec.CoreRelocations.Add(new BtfCoreRelocation(Insn(r, o, source), U32(r, 4, big), access, (BtfCoreRelocationKind)U32(r, 12, big)));
            });
        }

        return ext;

        int Insn(ReadOnlySpan<byte> r, long o, string? src)
        {
            uint bytes = U32(r, 0, big);
            if (bytes % 8 != 0) throw Err(src, o, $"instruction offset {bytes} is not a multiple of 8");
            return (int)(bytes / 8);
        }
    }

    private delegate void RecordReader(BtfExtSection section, ReadOnlySpan<byte> record, long fileOffset);

    private uint ReadInfo(ReadOnlyMemory<byte> data, BtfSpec btf, string? source, uint hdrLen, uint off, uint len, uint minRecord, string what, RecordReader read)
    {
        if (len == 0) return minRecord;
        var s = data.Span;
        bool big = btf.IsBigEndian;
        ulong start = (ulong)hdrLen + off;
        if (start > (ulong)s.Length || len > (ulong)s.Length - start)
        {
            throw Err(source, hdrLen, $"{what} ({len} bytes at 0x{start:x}) extends beyond the {s.Length}-byte .BTF.ext");
        }

        var info = s.Slice((int)start, (int)len);
        if (info.Length < 4) throw Err(source, (long)start, $"{what} is too short for its record size");
        uint recSize = U32(info, 0, big);
        if (recSize < minRecord || recSize > 1024) throw Err(source, (long)start, $"{what} record size {recSize} is invalid (minimum {minRecord})");
        int p = 4;
        while (p < info.Length)
        {
            if (info.Length - p < 8) throw Err(source, (long)start + p, $"{what} section header is truncated");
            uint secNameOff = U32(info, p, big);
            uint count = U32(info, p + 4, big);
            string secName = Str(btf, secNameOff, source, (long)start + p);
            p += 8;
            if ((ulong)count * recSize > (ulong)(info.Length - p))
            {
                throw Err(source, (long)start + p, $"{what} for section {secName}: {count} records of {recSize} bytes exceed the remaining {info.Length - p} bytes");
            }

            if (!_sections.TryGetValue(secName, out var sec)) _sections[secName] = sec = new BtfExtSection(secName);
            for (uint i = 0; i < count; i++, p += (int)recSize)
            {
                read(sec, info.Slice(p, (int)recSize), (long)start + p);
            }
        }

        return recSize;
    }

    private static string Str(BtfSpec btf, uint off, string? source, long at)
    {
        try
        {
            return btf.GetString(off);
        }
        catch (BpfFormatException e)
        {
            throw Err(source, at, e.Detail);
        }
    }

    private static uint U32(ReadOnlySpan<byte> s, int o, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(s[o..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);

    private static BpfFormatException Err(string? source, long offset, string detail) => new(source, ".BTF.ext", offset, detail);
}
