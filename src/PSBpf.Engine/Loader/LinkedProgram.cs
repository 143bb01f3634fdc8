using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>A main program with its subprograms appended: the instructions, relocations and BTF.ext records the kernel gets.</summary>
internal sealed class LinkedProgram
{
    public LinkedProgram(BpfProgram main) => Main = main;

    public BpfProgram Main { get; }
    public InstructionBuffer Instructions { get; } = new();
    /// <summary>Relocations with instruction indexes into <see cref="Instructions"/>.</summary>
    public List<BpfRelocation> Relocations { get; } = [];
    public List<BtfFuncInfo> FuncInfos { get; } = [];
    public List<BtfLineInfo> LineInfos { get; } = [];
    /// <summary>Where each appended function starts.</summary>
    public Dictionary<BpfProgram, int> Offsets { get; } = [];
}
