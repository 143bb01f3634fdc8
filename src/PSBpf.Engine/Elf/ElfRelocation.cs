namespace PSBpf.Engine.Elf;

/// <summary>One REL or RELA entry.</summary>
/// <param name="Offset">r_offset: byte offset in the target section.</param>
/// <param name="SymbolIndex">ELF64_R_SYM(r_info).</param>
/// <param name="Type">ELF64_R_TYPE(r_info).</param>
/// <param name="Addend">r_addend (0 for REL).</param>
public readonly record struct ElfRelocation(ulong Offset, uint SymbolIndex, uint Type, long Addend);
