namespace PSBpf.Engine.Btf;

/// <summary>One bpf_core_relo record from .BTF.ext.</summary>
/// <param name="InstructionOffset">Instruction index within the section.</param>
/// <param name="TypeId">Local (object BTF) root type id.</param>
/// <param name="AccessString">Access spec such as "0:1:2".</param>
/// <param name="Kind">Relocation kind.</param>
public sealed record BtfCoreRelocation(int InstructionOffset, uint TypeId, string AccessString, BtfCoreRelocationKind Kind);
