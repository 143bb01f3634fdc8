namespace PSBpf.Engine;

/// <summary>An ELF relocation recorded at open and applied at load.</summary>
/// <param name="Kind">What the instruction refers to.</param>
/// <param name="InstructionIndex">Slot index within the program (not within the section).</param>
/// <param name="SymbolName">ELF symbol name (section name for section symbols).</param>
/// <param name="MapName">Target map for map, data and arena relocations.</param>
/// <param name="SymbolOffset">Symbol value: offset of the variable in its section, or of the called function in .text.</param>
/// <param name="ExternName">Target extern for extern relocations.</param>
public sealed record BpfRelocation(BpfRelocationKind Kind, int InstructionIndex, string SymbolName, string? MapName, long SymbolOffset, string? ExternName)
{
    /// <summary>ELF section of the symbol (the callee's section for calls and callback addresses).</summary>
    internal int SymbolSection { get; init; }
}
