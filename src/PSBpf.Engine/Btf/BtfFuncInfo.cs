namespace PSBpf.Engine.Btf;

/// <summary>One bpf_func_info record: the FUNC type of the function starting at an instruction.</summary>
/// <param name="InstructionOffset">Instruction index (not bytes) within the section, or within the program once relocated.</param>
/// <param name="TypeId">BTF FUNC type id.</param>
public sealed record BtfFuncInfo(int InstructionOffset, uint TypeId);
