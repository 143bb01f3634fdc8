namespace PSBpf.Engine.Elf;

/// <summary>ELF sh_flags bits.</summary>
[Flags]
public enum ElfSectionFlags : ulong
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>SHF_WRITE.</summary>
    Write = 0x1,
    /// <summary>SHF_ALLOC.</summary>
    Alloc = 0x2,
    /// <summary>SHF_EXECINSTR.</summary>
    ExecInstr = 0x4,
    /// <summary>SHF_MERGE.</summary>
    Merge = 0x10,
    /// <summary>SHF_STRINGS.</summary>
    Strings = 0x20,
}
