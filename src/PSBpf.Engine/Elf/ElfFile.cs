using System.Text;

namespace PSBpf.Engine.Elf;

/// <summary>
/// A bounds-checked ELF64 reader over an in-memory image: header, sections, string tables,
/// symbol tables, REL/RELA and notes. Reads either byte order; callers decide what they accept.
/// Every malformation is reported as a <see cref="BpfFormatException"/>.
/// </summary>
public sealed class ElfFile
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;

    private readonly ElfBytes _bytes;
    private readonly ElfSection[] _sections;
    private readonly Dictionary<string, ElfSection> _byName = new(StringComparer.Ordinal);
    private IReadOnlyList<ElfSymbol>? _symbols;
    private IReadOnlyList<ElfSymbol>? _dynamicSymbols;

    private ElfFile(string? name, ReadOnlyMemory<byte> image, ElfBytes bytes)
    {
        Name = name;
        Image = image;
        _bytes = bytes;
        IsBigEndian = bytes.BigEndian;
        Type = bytes.U16(16, "e_type");
        Machine = (ElfMachine)bytes.U16(18, "e_machine");
        OsAbi = bytes.U8(7, "e_ident[EI_OSABI]");
        Entry = bytes.U64(24, "e_entry");
        _sections = ReadSections();
        ProgramHeaders = ReadProgramHeaders();
    }

    /// <summary>Name used in error messages (usually the file path).</summary>
    public string? Name { get; }
    /// <summary>The whole image.</summary>
    public ReadOnlyMemory<byte> Image { get; }
    /// <summary>True when the image is big-endian (ELFDATA2MSB).</summary>
    public bool IsBigEndian { get; }
    /// <summary>e_type: 1 relocatable, 2 executable, 3 shared object.</summary>
    public ushort Type { get; }
    /// <summary>e_machine.</summary>
    public ElfMachine Machine { get; }
    /// <summary>e_ident[EI_OSABI].</summary>
    public byte OsAbi { get; }
    /// <summary>e_entry.</summary>
    public ulong Entry { get; }
    /// <summary>Sections in header order (index 0 is the null section).</summary>
    public IReadOnlyList<ElfSection> Sections => _sections;
    /// <summary>Program headers (segments); empty for relocatable objects.</summary>
    public IReadOnlyList<ElfProgramHeader> ProgramHeaders { get; }

    /// <summary>Symbols of the first SHT_SYMTAB section (empty when there is none).</summary>
    public IReadOnlyList<ElfSymbol> Symbols => _symbols ??= ReadSymbolTable(ElfSectionType.SymTab);

    /// <summary>Symbols of the SHT_DYNSYM section (empty when there is none).</summary>
    public IReadOnlyList<ElfSymbol> DynamicSymbols => _dynamicSymbols ??= ReadSymbolTable(ElfSectionType.DynSym);

    /// <summary>Reads an ELF image; throws <see cref="BpfFormatException"/> if it is not a valid ELF64 file.</summary>
    public static ElfFile Parse(ReadOnlyMemory<byte> image, string? name = null)
    {
        var span = image.Span;
        if (span.Length < 4 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
        {
            throw new BpfFormatException(name, null, 0, "not an ELF file (missing \\x7fELF magic)");
        }

        if (span.Length < HeaderSize)
        {
            throw new BpfFormatException(name, null, 0, $"truncated ELF header: {span.Length} bytes, need {HeaderSize}");
        }

        if (span[4] != 2)
        {
            throw new BpfFormatException(name, null, 4, span[4] == 1
                ? "32-bit ELF (ELFCLASS32) is not supported; BPF objects are ELF64"
                : $"invalid ELF class {span[4]}");
        }

        bool bigEndian = span[5] switch
        {
            1 => false,
            2 => true,
            _ => throw new BpfFormatException(name, null, 5, $"invalid ELF data encoding {span[5]}"),
        };

        return new ElfFile(name, image, new ElfBytes(image, bigEndian, name, null));
    }

    /// <summary>Reads a file from disk.</summary>
    public static ElfFile Open(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>The first section with this name, or null.</summary>
    public ElfSection? FindSection(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The section at <paramref name="index"/>; a format error if the index is out of range.</summary>
    public ElfSection GetSection(int index, string referencedBy)
    {
        if (index <= 0 || index >= _sections.Length)
        {
            throw new BpfFormatException(Name, referencedBy, null, $"section index {index} is out of range (file has {_sections.Length} sections)");
        }

        return _sections[index];
    }

    /// <summary>Reads the entries of a REL or RELA section.</summary>
    public IReadOnlyList<ElfRelocation> ReadRelocations(ElfSection section)
    {
        bool rela = section.Type == ElfSectionType.Rela;
        if (!rela && section.Type != ElfSectionType.Rel)
        {
            throw new ArgumentException($"section {section.Name} is not a REL/RELA section", nameof(section));
        }

        int entry = rela ? 24 : 16;
        var b = For(section);
        if (section.Size % (ulong)entry != 0)
        {
            throw b.Error(null, $"size {section.Size} is not a multiple of the {entry}-byte relocation entry");
        }

        int count = (int)(section.Size / (ulong)entry);
        var result = new ElfRelocation[count];
        for (int i = 0; i < count; i++)
        {
            long o = (long)i * entry;
            ulong offset = b.U64(o, "r_offset");
            ulong info = b.U64(o + 8, "r_info");
            long addend = rela ? (long)b.U64(o + 16, "r_addend") : 0;
            result[i] = new ElfRelocation(offset, (uint)(info >> 32), (uint)info, addend);
        }

        return result;
    }

    /// <summary>Reads the notes of an SHT_NOTE section.</summary>
    public IReadOnlyList<ElfNote> ReadNotes(ElfSection section)
    {
        var b = For(section);
        var notes = new List<ElfNote>();
        long o = 0;
        while (o < b.Length)
        {
            uint nameSize = b.U32(o, "n_namesz");
            uint descSize = b.U32(o + 4, "n_descsz");
            uint type = b.U32(o + 8, "n_type");
            long nameOff = o + 12;
            var nameBytes = b.Span(nameOff, nameSize, "note name");
            string name = Encoding.UTF8.GetString(nameBytes.TrimEnd((byte)0));
            long descOff = nameOff + Align4(nameSize);
            var desc = b.Memory(descOff, descSize, "note descriptor");
            notes.Add(new ElfNote(name, type, desc));
            o = descOff + Align4(descSize);
        }

        return notes;
    }

    /// <summary>Reads a NUL-terminated string at <paramref name="offset"/> in a string table section.</summary>
    public string ReadString(ElfSection table, uint offset)
    {
        var b = For(table);
        var s = b.Span(offset, b.Length - offset, "string");
        int nul = s.IndexOf((byte)0);
        if (nul < 0)
        {
            throw b.Error(offset, "string is not NUL-terminated");
        }

        return Encoding.UTF8.GetString(s[..nul]);
    }

    /// <summary>Maps a virtual address to a file offset through the PT_LOAD segments (null when unmapped).</summary>
    public ulong? VirtualAddressToFileOffset(ulong address)
    {
        foreach (var ph in ProgramHeaders)
        {
            if (ph.Type == ElfProgramHeader.Load && address >= ph.VirtualAddress && address - ph.VirtualAddress < ph.FileSize)
            {
                return address - ph.VirtualAddress + ph.Offset;
            }
        }

        return null;
    }

    internal ElfBytes For(ElfSection section) => new(section.Data, IsBigEndian, Name, section.Name);

    private static long Align4(uint n) => (n + 3L) & ~3L;

    private ElfSection[] ReadSections()
    {
        ulong shoff = _bytes.U64(40, "e_shoff");
        ushort shentsize = _bytes.U16(58, "e_shentsize");
        uint shnum = _bytes.U16(60, "e_shnum");
        uint shstrndx = _bytes.U16(62, "e_shstrndx");
        if (shoff == 0)
        {
            return [];
        }

        if (shentsize != SectionHeaderSize)
        {
            throw _bytes.Error(58, $"e_shentsize is {shentsize}, expected {SectionHeaderSize}");
        }

        if (shoff > (ulong)_bytes.Length)
        {
            throw _bytes.Error(40, $"section header table offset 0x{shoff:x} is beyond the end of the {_bytes.Length}-byte file");
        }

        if (shnum == 0)
        {
            // More than 0xff00 sections: the real count is in section 0's sh_size.
            shnum = (uint)Math.Min(_bytes.U64((long)shoff + 32, "section 0 sh_size"), uint.MaxValue);
        }

        if (shstrndx == 0xffff)
        {
            shstrndx = _bytes.U32((long)shoff + 40, "section 0 sh_link");
        }

        _bytes.Check((long)shoff, (long)shnum * SectionHeaderSize, "section header table");
        var raw = new (uint name, uint type, ulong flags, ulong addr, ulong off, ulong size, uint link, uint info, ulong align, ulong entsize)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            long h = (long)shoff + (long)i * SectionHeaderSize;
            raw[i] = (_bytes.U32(h, "sh_name"), _bytes.U32(h + 4, "sh_type"), _bytes.U64(h + 8, "sh_flags"),
                _bytes.U64(h + 16, "sh_addr"), _bytes.U64(h + 24, "sh_offset"), _bytes.U64(h + 32, "sh_size"),
                _bytes.U32(h + 40, "sh_link"), _bytes.U32(h + 44, "sh_info"), _bytes.U64(h + 48, "sh_addralign"),
                _bytes.U64(h + 56, "sh_entsize"));
        }

        if (shnum > 0 && shstrndx >= shnum)
        {
            throw _bytes.Error(62, $"e_shstrndx {shstrndx} is out of range ({shnum} sections)");
        }

        ReadOnlyMemory<byte> names = ReadOnlyMemory<byte>.Empty;
        if (shnum > 0 && shstrndx != 0)
        {
            var s = raw[shstrndx];
            names = SectionData(s.off, s.size, (ElfSectionType)s.type, $"section header string table (index {shstrndx})");
        }

        var sections = new ElfSection[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var r = raw[i];
            string name = NameAt(names, r.name, i);
            var type = (ElfSectionType)r.type;
            var data = i == 0 ? ReadOnlyMemory<byte>.Empty : SectionData(r.off, r.size, type, name);
            sections[i] = new ElfSection(i, name, type, (ElfSectionFlags)r.flags, r.addr, r.off, r.size, r.link, r.info, r.align, r.entsize, data);
            if (i > 0)
            {
                _byName.TryAdd(name, sections[i]);
            }
        }

        return sections;
    }

    private ReadOnlyMemory<byte> SectionData(ulong offset, ulong size, ElfSectionType type, string name)
    {
        if (type is ElfSectionType.NoBits or ElfSectionType.Null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (offset > (ulong)_bytes.Length || size > (ulong)_bytes.Length - offset)
        {
            throw new BpfFormatException(Name, name, (long)Math.Min(offset, long.MaxValue),
                $"section data ({size} bytes at file offset 0x{offset:x}) extends beyond the end of the {_bytes.Length}-byte file");
        }

        return Image.Slice((int)offset, (int)size);
    }

    private string NameAt(ReadOnlyMemory<byte> names, uint offset, int index)
    {
        if (names.IsEmpty && offset == 0)
        {
            return string.Empty;
        }

        var span = names.Span;
        if (offset >= span.Length)
        {
            throw new BpfFormatException(Name, ".shstrtab", offset, $"name offset {offset} of section {index} is outside the {span.Length}-byte section name table");
        }

        var rest = span[(int)offset..];
        int nul = rest.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new BpfFormatException(Name, ".shstrtab", offset, $"name of section {index} is not NUL-terminated");
        }

        return Encoding.UTF8.GetString(rest[..nul]);
    }

    private ElfProgramHeader[] ReadProgramHeaders()
    {
        ulong phoff = _bytes.U64(32, "e_phoff");
        ushort phentsize = _bytes.U16(54, "e_phentsize");
        ushort phnum = _bytes.U16(56, "e_phnum");
        if (phoff == 0 || phnum == 0)
        {
            return [];
        }

        if (phentsize != 56)
        {
            throw _bytes.Error(54, $"e_phentsize is {phentsize}, expected 56");
        }

        if (phoff > (ulong)_bytes.Length)
        {
            throw _bytes.Error(32, $"program header table offset 0x{phoff:x} is beyond the end of the file");
        }

        _bytes.Check((long)phoff, phnum * 56L, "program header table");
        var result = new ElfProgramHeader[phnum];
        for (int i = 0; i < phnum; i++)
        {
            long h = (long)phoff + i * 56L;
            result[i] = new ElfProgramHeader(_bytes.U32(h, "p_type"), _bytes.U32(h + 4, "p_flags"), _bytes.U64(h + 8, "p_offset"),
                _bytes.U64(h + 16, "p_vaddr"), _bytes.U64(h + 32, "p_filesz"), _bytes.U64(h + 40, "p_memsz"));
        }

        return result;
    }

    private IReadOnlyList<ElfSymbol> ReadSymbolTable(ElfSectionType kind)
    {
        var table = _sections.FirstOrDefault(s => s.Type == kind);
        if (table is null)
        {
            return [];
        }

        var b = For(table);
        if (table.Size % SymbolSize != 0)
        {
            throw b.Error(null, $"size {table.Size} is not a multiple of the {SymbolSize}-byte symbol entry");
        }

        if (table.Link == 0 || table.Link >= _sections.Length)
        {
            throw b.Error(null, $"sh_link {table.Link} does not name a string table section");
        }

        var strtab = _sections[table.Link];
        int count = (int)(table.Size / SymbolSize);
        var symbols = new ElfSymbol[count];
        for (int i = 0; i < count; i++)
        {
            long o = (long)i * SymbolSize;
            uint nameOff = b.U32(o, "st_name");
            byte info = b.U8(o + 4, "st_info");
            byte other = b.U8(o + 5, "st_other");
            ushort shndx = b.U16(o + 6, "st_shndx");
            ulong value = b.U64(o + 8, "st_value");
            ulong size = b.U64(o + 16, "st_size");
            string name = nameOff == 0 ? string.Empty : ReadSymbolName(strtab, nameOff, table.Name, o);
            symbols[i] = new ElfSymbol(i, name, value, size, (ElfSymbolType)(info & 0xf), (ElfSymbolBinding)(info >> 4), (byte)(other & 3), shndx);
        }

        return symbols;
    }

    private string ReadSymbolName(ElfSection strtab, uint offset, string tableName, long symOffset)
    {
        if (offset >= strtab.Data.Length)
        {
            throw new BpfFormatException(Name, tableName, symOffset, $"symbol name offset {offset} is outside the {strtab.Data.Length}-byte string table {strtab.Name}");
        }

        return ReadString(strtab, offset);
    }
}
