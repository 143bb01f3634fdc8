using PSBpf.Engine.Btf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>Resolves the BTF id a tracing/LSM/iterator/freplace program attaches to, by the names libbpf uses.</summary>
internal static unsafe class AttachTargets
{
    public static ResolvedAttachTarget Resolve(BpfProgram prog, BpfLoadOptions options)
    {
        if ((prog.SectionDefinition?.Flags & BpfSectionFlags.AttachBtf) == 0 || prog.SectionDefinition is null) return ResolvedAttachTarget.None;
        var target = prog.AttachTarget ?? throw new BpfLoadException($"program '{prog.Name}'", $"section '{prog.SectionName}' names no attach target (use SEC(\"{prog.SectionName}/<name>\"))");
        if (prog.Type == BpfProgramType.ext || prog.AttachProgram is not null || prog.AttachProgramId is not null) return InProgram(prog, target);

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
        return new(t.Id, null, false);
    }

    /// <summary>A function of another BPF program (libbpf's libbpf_find_prog_btf_id): the FUNC of that name in the target's BTF.</summary>
    private static ResolvedAttachTarget InProgram(BpfProgram prog, string function)
    {
        string what = $"program '{prog.Name}'";
        BpfFd fd;
        bool owns;
        if (prog.AttachProgram is { } local)
        {
            fd = local.Id is null
                ? throw new BpfLoadException(what, $"its target program '{local.Name}' is not loaded; load it first")
                : local.LoadedFd();
            owns = false;
        }
        else if (prog.AttachProgramId is { } id)
        {
            fd = Bpf.GetFdById(BpfCommand.ProgGetFdById, id) ?? throw new BpfLoadException(what, $"its target program id {id} is not in the kernel");
            owns = true;
        }
        else
        {
            // libbpf: "attach program FD is not set"; there is no kernel-wide default for what a freplace replaces
            throw new BpfLoadException(what, $"freplace programs need a target program: SetAttachTarget(program, \"{function}\") before load (Invoke-BpfLoad -TargetProgram)");
        }

        try
        {
            var info = Bpf.ProgGetInfo(fd);
            string target = $"target program '{NativeText.CString(info.name, 16)}' (id {info.id})";
            if (info.btf_id == 0) throw new BpfLoadException(what, $"{target} has no BTF, so its functions cannot be found (it was loaded without BTF)");
            var (data, _, _) = Bpf.BtfGetData(info.btf_id);
            var btf = BtfSpec.Parse(data, $"BTF of {target}");
            var func = btf.FindByName(function, BtfKind.Func)
                ?? throw new BpfLoadException(what, $"{target} has no function '{function}' in its BTF");
            return new(func.Id, fd, owns);
        }
        catch
        {
            if (owns) fd.Dispose();
            throw;
        }
    }
}
