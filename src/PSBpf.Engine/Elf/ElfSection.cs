namespace PSBpf.Engine.Elf;

/// <summary>One ELF section header and its contents.</summary>
public sealed class ElfSection
{
    internal ElfSection(int index, string name, ElfSectionType type, ElfSectionFlags flags, ulong address,
        ulong offset, ulong size, uint link, uint info, ulong alignment, ulong entrySize, ReadOnlyMemory<byte> data)
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
        Data = data;
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
    /// <summary>File contents (empty for NOBITS).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <inheritdoc />
    public override string ToString() => $"[{Index}] {Name} ({Type}, {Size} bytes)";
}
