namespace PSBpf.Engine.Elf;

/// <summary>One program header (segment), used to map virtual addresses to file offsets (uprobes).</summary>
/// <param name="Type">p_type (1 = PT_LOAD).</param>
/// <param name="Flags">p_flags (1 = X, 2 = W, 4 = R).</param>
/// <param name="Offset">p_offset.</param>
/// <param name="VirtualAddress">p_vaddr.</param>
/// <param name="FileSize">p_filesz.</param>
/// <param name="MemorySize">p_memsz.</param>
public readonly record struct ElfProgramHeader(uint Type, uint Flags, ulong Offset, ulong VirtualAddress, ulong FileSize, ulong MemorySize)
{
    /// <summary>PT_LOAD.</summary>
    public const uint Load = 1;
}
