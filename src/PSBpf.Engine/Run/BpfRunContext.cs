using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// What BPF_PROG_TEST_RUN takes and gives back for a program type (the kernel's bpf_prog_test_run_* functions): a
/// packet or none, the context's BTF type, whether the context comes back (and only when one is given, or written back
/// into the input, or handed back as the output data), whether the program runs only once.
/// </summary>
internal sealed record BpfRunContext(bool TakesData, string? KernelContextType, bool ContextComesBack, bool RunsOnce, bool ArgumentContext,
    bool ContextOnlyWhenGiven = false, bool ContextWrittenBack = false, bool OutputDataIsContext = false)
{
    private static readonly BpfRunContext Skb = new(true, "__sk_buff", true, false, false);

    /// <summary>The rules for <paramref name="type"/>; types the kernel cannot test-run get the packet rules, and the kernel's ENOTSUPP.</summary>
    public static BpfRunContext Of(BpfProgramType type) => type switch
    {
        BpfProgramType.sched_cls or BpfProgramType.sched_act or BpfProgramType.socket_filter or BpfProgramType.cgroup_skb
            or BpfProgramType.lwt_in or BpfProgramType.lwt_out or BpfProgramType.lwt_xmit or BpfProgramType.lwt_seg6local => Skb,
        // an xdp_md must describe the packet (data_end = its size), so the context goes in and out only when given
        BpfProgramType.xdp => new(true, "xdp_md", true, false, false, ContextOnlyWhenGiven: true),
        // the kernel hands back the dissected keys as the output data; a context given goes in (its flags) and comes back
        BpfProgramType.flow_dissector => new(true, "bpf_flow_keys", true, false, false, ContextOnlyWhenGiven: true, OutputDataIsContext: true),
        BpfProgramType.netfilter => new(true, null, false, false, false),
        BpfProgramType.sk_lookup => new(false, "bpf_sk_lookup", true, false, false),
        BpfProgramType.raw_tracepoint or BpfProgramType.raw_tracepoint_writable => new(false, null, false, true, true),
        // the kernel writes a syscall program's context back into the buffer it was given
        BpfProgramType.syscall => new(false, null, true, true, false, ContextWrittenBack: true),
        _ => new(true, null, false, false, false),
    };

    /// <summary>The context's BTF type: the kernel's struct for the type, or (syscall) the program's first argument.</summary>
    public (BtfSpec Btf, uint TypeId)? ContextType(BtfSpec? kernel, (BtfSpec Btf, uint TypeId)? programArgument)
    {
        if (programArgument is not null) return programArgument;
        if (KernelContextType is null || kernel?.FindByName(KernelContextType, BtfKind.Struct) is not { } t) return null;
        return (kernel, t.Id);
    }

    /// <summary>The struct a program's first argument points to (a syscall program's context), from its BTF.</summary>
    public static (BtfSpec Btf, uint TypeId)? FirstArgument(BpfProgram program)
    {
        if (program.Object.Btf is not { } btf || program.FuncInfos.Count == 0) return null;
        if (btf[program.FuncInfos[0].TypeId] is not BtfFunc f || btf.Resolve(f.TypeId) is not BtfFuncProto { Parameters: [var first, ..] }) return null;
        return btf.Resolve(first.TypeId) is BtfPointer p && btf.Resolve(p.TypeId) is BtfComposite c ? (btf, c.Id) : null;
    }
}
