namespace PSBpf.Engine.Asm;

/// <summary>One disassembled instruction (two slots for a 64-bit immediate load): plain data for the pipeline.</summary>
public sealed class BpfInstructionLine
{
    /// <summary>Name of the program the instruction belongs to.</summary>
    public string Program { get; init; } = string.Empty;
    /// <summary>Slot index within the program (what llvm-objdump and bpftool print before the instruction).</summary>
    public int Offset { get; init; }
    /// <summary>The opcode byte (class | size/source | mode/operation).</summary>
    public byte Opcode { get; init; }
    /// <summary>The raw instruction bytes as hex pairs in little-endian layout, as llvm-objdump prints them for bpfel objects (16 bytes for ld_imm64).</summary>
    public string Bytes { get; init; } = string.Empty;
    /// <summary>The instruction in the chosen syntax, without labels or annotations.</summary>
    public string Text { get; init; } = string.Empty;
    /// <summary>
    /// Slot index a jump or bpf-to-bpf call goes to, counted from the program's first slot (a call can go past the program's
    /// end, to another function of its section); null for other instructions and for calls the ELF relocates (see <see cref="Target"/>).
    /// </summary>
    public int? JumpTarget { get; init; }
    /// <summary>
    /// What the instruction refers to, resolved: the label at a jump target, the helper, kfunc or subprogram called,
    /// or the map (and global variable) an ld_imm64 loads; null when there is nothing to resolve.
    /// </summary>
    public string? Target { get; init; }
    /// <summary>The ELF relocation against the instruction, as <c>llvm-objdump -r</c> prints it (e.g. <c>R_BPF_64_64 my_pid</c>); null for none.</summary>
    public string? Relocation { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Offset,6}: {Text}";
}
