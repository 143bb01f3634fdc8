using System.Text;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using ELFSharp.ELF.Segments;

namespace PSBpf.Engine.Elf;

/// <summary>
/// An ELF64 file read through ELFSharp: header, sections and their names, symbol tables, program headers. On top of it,
/// what ELFSharp does not do: sh_link/sh_info, REL/RELA records and every note of a note section (ELFSharp reads only a
/// section's first note), and bounds that hold before ELFSharp allocates anything (<see cref="ElfLayout"/>). Reads either
/// byte order; callers decide what they accept. Every malformation is reported as a <see cref="BpfFormatException"/>,
/// ELFSharp's own exceptions included (wrapped, naming the part of the file it was reading).
/// </summary>
public sealed class ElfFile : IDisposable
{
    private const int SymbolSize = 24;

    private readonly ElfSource _source;
    private readonly ELF<ulong> _elf;
    private readonly ElfSection[] _sections;
    private readonly Dictionary<string, ElfSection> _byName;
    private IReadOnlyList<ElfSymbol>? _symbols;
    private IReadOnlyList<ElfSymbol>? _dynamicSymbols;

    private ElfFile(string? name, ElfSource source)
    {
        Name = name;
        _source = source;
        var layout = ElfLayout.Read(source, name);
        var stream = new ElfSourceStream(source);
        try
        {
            _elf = ELFReader.Load<ulong>(stream, shouldOwnStream: false);
        }
        catch (Exception e) when (IsReaderFailure(e))
        {
            throw new BpfFormatException(name, layout.Describe(stream.LastSeek), stream.LastSeek, $"ELFSharp could not read this part of the file: {e.Message}", e);
        }

        IsBigEndian = layout.BigEndian;
        OsAbi = layout.OsAbi;
        Type = (ushort)_elf.Type;
        Machine = (ElfMachine)(ushort)_elf.Machine;
        Entry = _elf.EntryPoint;
        var sections = _elf.Sections;
        _sections = new ElfSection[sections.Count];
        _byName = new Dictionary<string, ElfSection>(_sections.Length, StringComparer.Ordinal);
        Func<ElfSection, ReadOnlyMemory<byte>> read = ReadData; // one delegate for all sections, not one each
        for (int i = 0; i < _sections.Length; i++)
        {
            var s = sections[i];
            var type = (ElfSectionType)(uint)s.Type;
            bool hasData = i > 0 && type is not (ElfSectionType.NoBits or ElfSectionType.Null);
            _sections[i] = layout.Section(i, s.Name ?? string.Empty, type, hasData ? read : null);
            if (i > 0)
            {
                _byName.TryAdd(_sections[i].Name, _sections[i]);
            }
        }

        // a loop, not Select(...).ToArray(): LINQ's iterator over an engine struct is JIT-compiled in every fresh process
        var segments = _elf.Segments;
        var headers = new ElfProgramHeader[segments.Count];
        for (int i = 0; i < headers.Length; i++)
        {
            var p = segments[i];
            headers[i] = new ElfProgramHeader((uint)p.Type, (uint)p.Flags, (ulong)p.Offset, p.Address, (ulong)p.FileSize, p.Size);
        }

        ProgramHeaders = new ReadOnlyArray<ElfProgramHeader>(headers);
    }

    /// <summary>Name used in error messages (usually the file path).</summary>
    public string? Name { get; }
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
    public IReadOnlyList<ElfSymbol> Symbols => _symbols ??= ReadSymbolTable(ElfSectionType.SymTab, ".strtab");

    /// <summary>Symbols of the SHT_DYNSYM section (empty when there is none).</summary>
    public IReadOnlyList<ElfSymbol> DynamicSymbols => _dynamicSymbols ??= ReadSymbolTable(ElfSectionType.DynSym, ".dynstr");

    /// <summary>Reads an ELF image in memory; throws <see cref="BpfFormatException"/> if it is not a valid ELF64 file.</summary>
    public static ElfFile Parse(ReadOnlyMemory<byte> image, string? name = null) => new(name, new ElfMemorySource(image));

    /// <summary>
    /// Opens a file from disk. Headers and symbols are read now; section contents when first used, so keep the file
    /// open (do not dispose it) until the sections you need have been read.
    /// </summary>
    public static ElfFile Open(string path)
    {
        var source = new ElfFileSource(path);
        if (source.Length == 0)
        {
            // procfs and other special files report no size: read them whole, so an empty file is an empty image and a
            // file that cannot be read (/proc/self/mem) fails with its read error
            source.Dispose();
            return Parse(File.ReadAllBytes(path), path);
        }

        try
        {
            return new ElfFile(path, source);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file; contents read so far stay available.</summary>
    public void Dispose() => _source.Dispose();

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

        return new ReadOnlyArray<ElfRelocation>(result);
    }

    /// <summary>Reads every note of an SHT_NOTE section (ELFSharp's note section holds only the first).</summary>
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

    /// <summary>Reads the NUL-terminated string at <paramref name="offset"/> in a string table section, through ELFSharp's table.</summary>
    public string ReadString(ElfSection table, uint offset)
    {
        if (_elf.Sections[table.Index] is not StringTable<ulong> strings)
        {
            throw new BpfFormatException(Name, table.Name, null, $"section type is {table.Type}, not a string table");
        }

        if (offset >= table.Size || For(table).Span(offset, (long)table.Size - offset, "string").IndexOf((byte)0) < 0)
        {
            throw new BpfFormatException(Name, table.Name, offset, $"string at offset {offset} is not NUL-terminated inside the {table.Size}-byte table");
        }

        return strings[offset];
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

    // ELFSharp reports bad input as whatever its reads run into; I/O errors other than the end of the file are not
    // format errors and pass through.
    private static bool IsReaderFailure(Exception e) =>
        e is not (OutOfMemoryException or BpfFormatException) && (e is not IOException || e is EndOfStreamException);

    private static long Align4(uint n) => (n + 3L) & ~3L;

    private ReadOnlyMemory<byte> ReadData(ElfSection section)
    {
        try
        {
            return _source.Slice((long)section.Offset, (int)section.Size);
        }
        catch (EndOfStreamException e)
        {
            throw new BpfFormatException(Name, section.Name, (long)section.Offset, e.Message, e);
        }
        catch (ObjectDisposedException e)
        {
            throw new InvalidOperationException($"section {section.Name} of {Name} was not read while the file was open", e);
        }
    }

    private IReadOnlyList<ElfSymbol> ReadSymbolTable(ElfSectionType kind, string stringTable)
    {
        ElfSection? table = null;
        foreach (var s in _sections)
        {
            if (s.Type == kind)
            {
                table = s;
                break;
            }
        }

        if (table is null)
        {
            return [];
        }

        // ELFSharp takes the names from the one section called .strtab (.dynstr); ElfLayout checked that sh_link names
        // a section of that name, this that it is the one ELFSharp used.
        if (!_elf.TryGetSection(stringTable, out var names) || !ReferenceEquals(names, _elf.Sections[(int)table.Link]))
        {
            throw new BpfFormatException(Name, table.Name, null, $"more than one section is named {stringTable}, so the symbol names are ambiguous");
        }

        var entries = ((SymbolTable<ulong>)_elf.Sections[table.Index]).Entries;
        var symbols = new ElfSymbol[(int)(table.Size / SymbolSize)];
        int i = 0;
        foreach (var e in entries)
        {
            symbols[i] = new ElfSymbol(i, e.Name, e.Value, e.Size, (ElfSymbolType)(byte)e.Type, (ElfSymbolBinding)(byte)e.Binding, (byte)e.Visibility, e.PointedSectionIndex);
            i++;
        }

        return symbols;
    }
}
