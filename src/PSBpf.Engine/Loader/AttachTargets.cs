using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>Resolves the kernel BTF id a tracing/LSM/iterator program attaches to, by the names libbpf uses.</summary>
internal static class AttachTargets
{
    public static uint Resolve(BpfProgram prog, BpfLoadOptions options)
    {
        if ((prog.SectionDefinition?.Flags & BpfSectionFlags.AttachBtf) == 0 || prog.SectionDefinition is null) return 0;
        if (prog.Type == BpfProgramType.ext)
        {
            throw new BpfLoadException($"program '{prog.Name}'", "freplace programs need a target program; this loader does not support them yet");
        }

        var target = prog.AttachTarget ?? throw new BpfLoadException($"program '{prog.Name}'", $"section '{prog.SectionName}' names no attach target (use SEC(\"{prog.SectionName}/<name>\"))");
        var (prefix, kind) = prog.ExpectedAttachType switch
        {
            BpfAttachType.trace_raw_tp => ("btf_trace_", BtfKind.Typedef),
            BpfAttachType.trace_iter => ("bpf_iter_", BtfKind.Func),
            BpfAttachType.lsm_mac or BpfAttachType.lsm_cgroup => ("bpf_lsm_", BtfKind.Func),
            _ => (string.Empty, BtfKind.Func),
        };
        var btf = KernelBtf.Get(options.KernelBtfPath);
        var t = btf.FindByName(prefix + target, kind)
            ?? throw new BpfLoadException($"program '{prog.Name}'", $"attach target '{prefix + target}' ({kind}) is not in the kernel BTF");
        return t.Id;
    }
}
