namespace PSBpf.Engine.Loader;

/// <summary>The kernel struct member a struct_ops program implements: what BPF_PROG_LOAD's attach_btf_id and expected_attach_type carry.</summary>
internal sealed record StructOpsTarget(uint KernelTypeId, uint MemberIndex, string Member, ModuleBtf? Module);
