namespace PSBpf.Engine.Elf;

/// <summary>One ELF section header and its contents.</summary>
public sealed class ElfSection
{
    private readonly Func<ElfSection, ReadOnlyMemory<byte>>? _read;
    private ReadOnlyMemory<byte> _data;
    private bool _loaded;

    internal ElfSection(int index, string name, ElfSectionType type, ElfSectionFlags flags, ulong address,
        ulong offset, ulong size, uint link, uint info, ulong alignment, ulong entrySize, Func<ElfSection, ReadOnlyMemory<byte>>? read)
    {
        Index = index;
        Name = name;
        Type = type;
        Flags = flags;
        Address = address;
        Offset = offset;
        Size = size;
        Link = link;
        Info = info;
        Alignment = alignment;
        EntrySize = entrySize;
        _read = read;
    }

    /// <summary>Section index in the header table.</summary>
    public int Index { get; }
    /// <summary>Name from the section header string table.</summary>
    public string Name { get; }
    /// <summary>sh_type.</summary>
    public ElfSectionType Type { get; }
    /// <summary>sh_flags.</summary>
    public ElfSectionFlags Flags { get; }
    /// <summary>sh_addr.</summary>
    public ulong Address { get; }
    /// <summary>sh_offset.</summary>
    public ulong Offset { get; }
    /// <summary>sh_size (for NOBITS the in-memory size; <see cref="Data"/> is then empty).</summary>
    public ulong Size { get; }
    /// <summary>sh_link.</summary>
    public uint Link { get; }
    /// <summary>sh_info.</summary>
    public uint Info { get; }
    /// <summary>sh_addralign.</summary>
    public ulong Alignment { get; }
    /// <summary>sh_entsize.</summary>
    public ulong EntrySize { get; }
    /// <summary>
    /// File contents (empty for NOBITS and the null section). Read on first use: a file opened with
    /// <see cref="ElfFile.Open"/> is read section by section, and only while it is open.
    /// </summary>
    public ReadOnlyMemory<byte> Data
    {
        get
        {
            if (!_loaded)
            {
                _data = _read?.Invoke(this) ?? ReadOnlyMemory<byte>.Empty;
                _loaded = true;
            }

            return _data;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"[{Index}] {Name} ({Type}, {Size} bytes)";
}
