namespace PSBpf.Engine.Native;

/// <summary>
/// The kprobe_multi and uprobe_multi members of bpf_attr's link_create union: <c>struct { __u32 flags; __u32 cnt;
/// __aligned_u64 syms, addrs, cookies; } kprobe_multi</c> and <c>struct { __aligned_u64 path, offsets, ref_ctr_offsets,
/// cookies; __u32 cnt, flags, pid; } uprobe_multi</c> (uapi 5.18 and 6.6), right after the four common words.
/// </summary>
internal static class MultiProbeLinkAttr
{
    /// <summary>BPF_F_KPROBE_MULTI_RETURN / BPF_F_UPROBE_MULTI_RETURN: return probes.</summary>
    public const uint FlagReturn = 1;

    /// <summary>A kprobe.multi link on the functions named by the C strings <paramref name="syms"/> points to (<paramref name="count"/> of them).</summary>
    public static LinkCreateAttr Kprobe(BpfFd prog, ulong syms, uint count, bool retprobe) => new()
    {
        prog_fd = (uint)prog.Value,
        attach_type = (uint)BpfAttachType.trace_kprobe_multi,
        union0 = (retprobe ? FlagReturn : 0) | ((ulong)count << 32),
        union1 = syms,
    };

    /// <summary>An uprobe.multi link on file <paramref name="path"/> (a C string) at <paramref name="count"/> file offsets.</summary>
    public static LinkCreateAttr Uprobe(BpfFd prog, ulong path, ulong offsets, uint count, bool retprobe, uint pid) => new()
    {
        prog_fd = (uint)prog.Value,
        attach_type = (uint)BpfAttachType.trace_uprobe_multi,
        union0 = path,
        union1 = offsets,
        union4 = count | ((ulong)(retprobe ? FlagReturn : 0) << 32),
        union5 = pid,
    };
}
