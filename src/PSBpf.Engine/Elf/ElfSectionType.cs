namespace PSBpf.Engine.Elf;

/// <summary>ELF sh_type values.</summary>
public enum ElfSectionType : uint
{
    /// <summary>SHT_NULL.</summary>
    Null = 0,
    /// <summary>SHT_PROGBITS.</summary>
    ProgBits = 1,
    /// <summary>SHT_SYMTAB.</summary>
    SymTab = 2,
    /// <summary>SHT_STRTAB.</summary>
    StrTab = 3,
    /// <summary>SHT_RELA.</summary>
    Rela = 4,
    /// <summary>SHT_HASH.</summary>
    Hash = 5,
    /// <summary>SHT_DYNAMIC.</summary>
    Dynamic = 6,
    /// <summary>SHT_NOTE.</summary>
    Note = 7,
    /// <summary>SHT_NOBITS (.bss).</summary>
    NoBits = 8,
    /// <summary>SHT_REL.</summary>
    Rel = 9,
    /// <summary>SHT_DYNSYM.</summary>
    DynSym = 11,
    /// <summary>SHT_GNU_verdef.</summary>
    GnuVerDef = 0x6ffffffd,
    /// <summary>SHT_GNU_verneed.</summary>
    GnuVerNeed = 0x6ffffffe,
    /// <summary>SHT_GNU_versym.</summary>
    GnuVerSym = 0x6fffffff,
    /// <summary>SHT_LLVM_ADDRSIG.</summary>
    LlvmAddrsig = 0x6fff4c03,
}
