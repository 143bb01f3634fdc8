using System.Text;

namespace PSBpf.Engine.Elf;

/// <summary>
/// What must be known before ELFSharp reads an image, and the header fields it does not expose. ELFSharp reads string
/// tables, symbol tables, notes and dynamic sections in full while it loads, into arrays of the sizes the headers
/// claim, so every such size is held against the file length here first (a header claiming a 4 GiB section or a billion
/// symbols fails here, before anything is allocated). The checks keep the error messages precise (file, section,
/// offset) for what is commonly wrong; ELFSharp's own exceptions for the rest are wrapped by <see cref="ElfFile"/>.
/// ELFSharp keeps sh_link and sh_info internal, so they come from here too.
/// </summary>
internal sealed class ElfLayout
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SymbolSize = 24;
    private const uint ShtSymTab = 2, ShtStrTab = 3, ShtDynamic = 6, ShtNote = 7, ShtNoBits = 8, ShtDynSym = 11;
    private const uint PtNote = 4;

    // ELFSharp finds a name by scanning its string table byte by byte from the name's offset, once per offset; a name
    // longer than this, looked up this many bytes' worth of times, would make the load take seconds.
    private const int LongestPlausibleName = 4096;
    private const long NameScanBudget = 1L << 27;

    private readonly ElfSource _source;
    private readonly string? _file;
    private readonly ElfBytes _table;
    private readonly long _tableOffset;
    private readonly ElfBytes _programTable;
    private readonly long _programTableOffset;
    private ReadOnlyMemory<byte> _names;

    private ElfLayout(ElfSource source, string? file, ElfBytes header)
    {
        _source = source;
        _file = file;
        BigEndian = header.BigEndian;
        OsAbi = header.U8(7, "e_ident[EI_OSABI]");
        uint version = header.U32(20, "e_version");
        if (version != 1)
        {
            throw header.Error(20, $"e_version is {version}, expected 1 (EV_CURRENT)");
        }

        (_table, _tableOffset, Count, NamesIndex) = ReadSectionTable(header);
        (_programTable, _programTableOffset) = ReadProgramTable(header);
        CheckSections();
    }

    public bool BigEndian { get; }
    public byte OsAbi { get; }
    /// <summary>Number of section headers.</summary>
    public int Count { get; }
    /// <summary>Index of the section header string table (0: none).</summary>
    public int NamesIndex { get; }

    public uint Link(int index) => _table.U32(index * (long)SectionHeaderSize + 40, "sh_link");
    public uint Info(int index) => _table.U32(index * (long)SectionHeaderSize + 44, "sh_info");

    /// <summary>
    /// Section <paramref name="index"/> with the name and type ELFSharp read, and its numbers from the table checked here.
    /// ELFSharp hands out each number through a generic property that boxes it and converts it with Convert.ChangeType:
    /// six of those per section were a tenth of the open of a BPF object, and a tenth of what it allocated.
    /// </summary>
    public ElfSection Section(int index, string name, ElfSectionType type, Func<ElfSection, ReadOnlyMemory<byte>>? read)
    {
        long h = index * (long)SectionHeaderSize;
        return new ElfSection(index, name, type, (ElfSectionFlags)_table.U64(h + 8, "sh_flags"), _table.U64(h + 16, "sh_addr"),
            _table.U64(h + 24, "sh_offset"), _table.U64(h + 32, "sh_size"), Link(index), Info(index), _table.U64(h + 48, "sh_addralign"),
            _table.U64(h + 56, "sh_entsize"), read);
    }

    /// <summary>Checks an image's identification and layout; throws <see cref="BpfFormatException"/> naming what is wrong.</summary>
    public static ElfLayout Read(ElfSource source, string? file)
    {
        Span<byte> ident = stackalloc byte[HeaderSize];
        int got = source.Read(0, ident);
        if (got < 4 || ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
        {
            throw new BpfFormatException(file, null, 0, "not an ELF file (missing \\x7fELF magic)");
        }

        if (got < HeaderSize)
        {
            throw new BpfFormatException(file, null, 0, $"truncated ELF header: {source.Length} bytes, need {HeaderSize}");
        }

        if (ident[4] != 2)
        {
            throw new BpfFormatException(file, null, 4, ident[4] == 1
                ? "32-bit ELF (ELFCLASS32) is not supported; BPF objects are ELF64"
                : $"invalid ELF class {ident[4]}");
        }

        bool bigEndian = ident[5] switch
        {
            1 => false,
            2 => true,
            _ => throw new BpfFormatException(file, null, 5, $"invalid ELF data encoding {ident[5]}"),
        };

        return new ElfLayout(source, file, new ElfBytes(ident.ToArray(), bigEndian, file, null));
    }

    /// <summary>Names the part of the file at <paramref name="offset"/>, for errors ELFSharp raised while reading there.</summary>
    public string Describe(long offset)
    {
        if (offset >= 0 && offset < HeaderSize) return "(ELF header)";
        long shoff = _tableOffset, phoff = _programTableOffset;
        if (offset >= shoff && offset < shoff + _table.Length) return $"#{(offset - shoff) / SectionHeaderSize} (its header)";
        if (offset >= phoff && offset < phoff + _programTable.Length) return $"(program header {(offset - phoff) / ProgramHeaderSize})";
        for (int i = 1; i < Count; i++)
        {
            var (_, type, off, size) = Fields(i);
            if (type != ShtNoBits && offset >= (long)off && (ulong)(offset - (long)off) < Math.Max(size, 1)) return NameOf(i);
        }

        return $"(none: file offset 0x{offset:x})";
    }

    /// <summary>A section's name for messages: from the name table when it can be read there, else its index.</summary>
    public string NameOf(int index)
    {
        var names = _names.Span;
        uint at = _table.U32(index * (long)SectionHeaderSize, "sh_name");
        if (at < names.Length && names[(int)at..].IndexOf((byte)0) is var nul and >= 0)
        {
            return Encoding.UTF8.GetString(names.Slice((int)at, nul));
        }

        return $"#{index}";
    }

    private (uint Name, uint Type, ulong Offset, ulong Size) Fields(int i)
    {
        long h = i * (long)SectionHeaderSize;
        return (_table.U32(h, "sh_name"), _table.U32(h + 4, "sh_type"), _table.U64(h + 24, "sh_offset"), _table.U64(h + 32, "sh_size"));
    }

    private BpfFormatException Error(string? section, long? offset, string detail) => new(_file, section, offset, detail);

    private (ElfBytes Table, long Offset, int Count, int NamesIndex) ReadSectionTable(ElfBytes header)
    {
        ulong shoff = header.U64(40, "e_shoff");
        ushort shentsize = header.U16(58, "e_shentsize");
        ulong count = header.U16(60, "e_shnum");
        uint namesIndex = header.U16(62, "e_shstrndx");
        long length = _source.Length;
        if (shoff == 0)
        {
            throw header.Error(40, "no section header table (e_shoff is 0)");
        }

        if (shentsize != SectionHeaderSize)
        {
            throw header.Error(58, $"e_shentsize is {shentsize}, expected {SectionHeaderSize}");
        }

        if (shoff > (ulong)length || (ulong)length - shoff < SectionHeaderSize)
        {
            throw header.Error(40, $"section header table offset 0x{shoff:x} is beyond the end of the {length}-byte file");
        }

        if (count == 0)
        {
            var first = new ElfBytes(_source.ReadExact((long)shoff, SectionHeaderSize, _file, null), header.BigEndian, _file, null);
            // More than 0xff00 sections: the count is in section 0's sh_size, and (ELFSharp reads it only then) the
            // name table's index in its sh_link.
            count = first.U64(32, "section 0 sh_size");
            if (namesIndex == 0xffff) namesIndex = first.U32(40, "section 0 sh_link");
        }

        if (count > ((ulong)length - shoff) / SectionHeaderSize || count > int.MaxValue / SectionHeaderSize)
        {
            throw header.Error(40, $"section header table ({count} headers of {SectionHeaderSize} bytes at 0x{shoff:x}) lies outside the {length}-byte file");
        }

        if (namesIndex != 0 && namesIndex >= count)
        {
            throw header.Error(62, $"e_shstrndx {namesIndex} is out of range ({count} sections)");
        }

        var table = _source.ReadExact((long)shoff, (int)count * SectionHeaderSize, _file, null);
        return (new ElfBytes(table, header.BigEndian, _file, null), (long)shoff, (int)count, (int)namesIndex);
    }

    private (ElfBytes Table, long Offset) ReadProgramTable(ElfBytes header)
    {
        ulong phoff = header.U64(32, "e_phoff");
        ushort phentsize = header.U16(54, "e_phentsize");
        ushort phnum = header.U16(56, "e_phnum");
        if (phnum == 0)
        {
            return (new ElfBytes(ReadOnlyMemory<byte>.Empty, header.BigEndian, _file, null), -1);
        }

        if (phoff == 0)
        {
            throw header.Error(56, $"e_phnum is {phnum} but there is no program header table (e_phoff is 0)");
        }

        if (phentsize != ProgramHeaderSize)
        {
            throw header.Error(54, $"e_phentsize is {phentsize}, expected {ProgramHeaderSize}");
        }

        long length = _source.Length;
        if (phoff > (ulong)length || (ulong)length - phoff < phnum * (ulong)ProgramHeaderSize)
        {
            throw header.Error(32, $"program header table ({phnum * ProgramHeaderSize} bytes at 0x{phoff:x}) lies outside the {length}-byte file");
        }

        var table = new ElfBytes(_source.ReadExact((long)phoff, phnum * ProgramHeaderSize, _file, null), header.BigEndian, _file, null);
        for (int i = 0; i < phnum; i++)
        {
            long h = i * (long)ProgramHeaderSize;
            ulong offset = table.U64(h + 8, "p_offset"), size = table.U64(h + 32, "p_filesz");
            // ELFSharp reads the notes of PT_NOTE segments while it loads.
            if (table.U32(h, "p_type") == PtNote && (offset > (ulong)length || size > (ulong)length - offset))
            {
                throw Error($"(program header {i})", (long)Math.Min(offset, long.MaxValue),
                    $"PT_NOTE segment ({size} bytes at file offset 0x{offset:x}) extends beyond the end of the {length}-byte file");
            }
        }

        return (table, (long)phoff);
    }

    private void CheckSections()
    {
        long length = _source.Length;
        if (NamesIndex != 0)
        {
            var (_, type, offset, size) = Fields(NamesIndex);
            if (type != ShtStrTab)
            {
                throw Error($"#{NamesIndex}", null, $"e_shstrndx {NamesIndex} names a section of type {type}, not a string table");
            }

            // Its own name is in it, so until it is known to fit the file it can only be named by its index.
            CheckInFile(NamesIndex, offset, size, $"#{NamesIndex} (the section name table)");
            _names = _source.Slice((long)offset, (int)size);
        }

        ulong eager = 0;
        long lookups = Count;
        for (int i = 0; i < Count; i++)
        {
            var (name, type, offset, size) = Fields(i);
            bool readInFull = type is ShtStrTab or ShtSymTab or ShtDynSym or ShtDynamic or ShtNote;
            if (readInFull || (i > 0 && type is not (ShtNoBits or 0)))
            {
                CheckInFile(i, offset, size);
            }

            if (NamesIndex != 0)
            {
                CheckName(i, name);
                // ELFSharp casts the section named .strtab to its string table type.
                if (type != ShtStrTab && _names.Span[(int)name..].StartsWith(".strtab\0"u8))
                {
                    throw Error(".strtab", null, $"section {i} is named .strtab but its type is {type}, not a string table");
                }
            }

            if (!readInFull) continue;
            eager += size;
            if (eager > (ulong)length)
            {
                throw Error(NameOf(i), (long)offset, $"the string tables, symbol tables, notes and dynamic sections claim {eager} bytes together, more than the {length}-byte file: they overlap");
            }

            if (type is ShtSymTab or ShtDynSym)
            {
                if (size % SymbolSize != 0)
                {
                    throw Error(NameOf(i), null, $"size {size} is not a multiple of the {SymbolSize}-byte symbol entry");
                }

                CheckSymbolNames(i, type == ShtSymTab ? ".strtab" : ".dynstr");
                lookups += (long)(size / SymbolSize);
            }
        }

        CheckNameScans(lookups);
    }

    private void CheckInFile(int index, ulong offset, ulong size, string? label = null)
    {
        long length = _source.Length;
        if (offset > (ulong)length || size > (ulong)length - offset)
        {
            throw Error(label ?? NameOf(index), (long)Math.Min(offset, long.MaxValue),
                $"section data ({size} bytes at file offset 0x{offset:x}) extends beyond the end of the {length}-byte file");
        }

        if (size > int.MaxValue)
        {
            throw Error(label ?? NameOf(index), (long)offset, $"section of {size} bytes: sections of 2 GiB or more are not supported");
        }
    }

    private void CheckName(int index, uint offset)
    {
        var names = _names.Span;
        if (offset >= names.Length && !(names.IsEmpty && offset == 0))
        {
            throw Error(".shstrtab", offset, $"name offset {offset} of section {index} is outside the {names.Length}-byte section name table");
        }

        if (!names.IsEmpty && names[(int)offset..].IndexOf((byte)0) < 0)
        {
            throw Error(".shstrtab", offset, $"name of section {index} is not NUL-terminated");
        }
    }

    // ELFSharp names the symbols of .symtab from the section named .strtab and those of .dynsym from .dynstr,
    // whatever sh_link says; a table whose sh_link names another section would get the wrong names.
    private void CheckSymbolNames(int index, string expected)
    {
        uint link = Link(index);
        if (link == 0 || link >= Count || Fields((int)link).Type != ShtStrTab)
        {
            throw Error(NameOf(index), null, $"sh_link {link} does not name a string table section");
        }

        if (NameOf((int)link) != expected)
        {
            throw Error(NameOf(index), null, $"its string table (sh_link {link}) is '{NameOf((int)link)}', not {expected}");
        }
    }

    private void CheckNameScans(long lookups)
    {
        ulong largest = 0;
        for (int i = 0; i < Count; i++)
        {
            if (Fields(i) is { Type: ShtStrTab } f) largest = Math.Max(largest, f.Size);
        }

        if (lookups * (long)largest <= NameScanBudget)
        {
            return; // no string can be long enough to matter
        }

        int longest = 0;
        for (int i = 0; i < Count; i++)
        {
            var (_, type, offset, size) = Fields(i);
            if (type != ShtStrTab) continue;
            var run = _source.Slice((long)offset, (int)size).Span;
            while (!run.IsEmpty)
            {
                int nul = run.IndexOf((byte)0);
                int len = nul < 0 ? run.Length : nul;
                longest = Math.Max(longest, len);
                run = nul < 0 ? default : run[(nul + 1)..];
            }
        }

        if (longest > LongestPlausibleName && lookups * longest > NameScanBudget)
        {
            throw Error(null, null, $"a string table holds a {longest}-byte string and {lookups} names are looked up in the string tables; refusing such an image");
        }
    }
}
