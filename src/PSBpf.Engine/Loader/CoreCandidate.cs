using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>A target type that may correspond to a local type (bpf_core_cand).</summary>
/// <param name="Btf">The BTF holding it (vmlinux, or a module's split BTF).</param>
/// <param name="Id">Its type id in <paramref name="Btf"/>.</param>
/// <param name="BtfName">"vmlinux" or the module name, as libbpf logs it.</param>
internal sealed record CoreCandidate(BtfSpec Btf, uint Id, string BtfName);
