namespace PSBpf.Engine.Elf;

/// <summary>One entry of a symbol table (.symtab or .dynsym).</summary>
public sealed class ElfSymbol
{
    internal ElfSymbol(int index, string name, ulong value, ulong size, ElfSymbolType type,
        ElfSymbolBinding binding, byte visibility, ushort sectionIndex)
    {
        Index = index;
        Name = name;
        Value = value;
        Size = size;
        Type = type;
        Binding = binding;
        Visibility = visibility;
        SectionIndex = sectionIndex;
    }

    /// <summary>SHN_UNDEF: the symbol is defined elsewhere (an extern).</summary>
    public const ushort SectionUndefined = 0;
    /// <summary>SHN_ABS.</summary>
    public const ushort SectionAbsolute = 0xfff1;
    /// <summary>SHN_COMMON.</summary>
    public const ushort SectionCommon = 0xfff2;

    /// <summary>Index in its symbol table.</summary>
    public int Index { get; }
    /// <summary>Name (may be empty, e.g. for section symbols).</summary>
    public string Name { get; }
    /// <summary>st_value (offset in the section for relocatable objects).</summary>
    public ulong Value { get; }
    /// <summary>st_size.</summary>
    public ulong Size { get; }
    /// <summary>STT_*.</summary>
    public ElfSymbolType Type { get; }
    /// <summary>STB_*.</summary>
    public ElfSymbolBinding Binding { get; }
    /// <summary>STV_* (st_other &amp; 3): 0 default, 1 internal, 2 hidden, 3 protected.</summary>
    public byte Visibility { get; }
    /// <summary>st_shndx.</summary>
    public ushort SectionIndex { get; }

    /// <summary>True for STV_HIDDEN/STV_INTERNAL symbols.</summary>
    public bool IsHidden => Visibility is 1 or 2;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Type}, {Binding}, shndx {SectionIndex}, value 0x{Value:x})";
}
