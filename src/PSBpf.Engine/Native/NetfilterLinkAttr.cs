namespace PSBpf.Engine.Native;

/// <summary>
/// The netfilter member of bpf_attr's link_create union (uapi 6.4+): <c>struct { __u32 pf; __u32 hooknum; __s32 priority;
/// __u32 flags; } netfilter</c>, right after the four common words, so it fills the first two union words.
/// </summary>
internal static class NetfilterLinkAttr
{
    /// <summary>BPF_F_NETFILTER_IP_DEFRAG: the hook sees reassembled packets (kernel 6.6+).</summary>
    public const uint FlagIpDefrag = 1;

    public static LinkCreateAttr Create(BpfFd prog, uint pf, uint hooknum, int priority, uint flags) => new()
    {
        prog_fd = (uint)prog.Value,
        attach_type = (uint)BpfAttachType.netfilter,
        union0 = pf | ((ulong)hooknum << 32),
        union1 = unchecked((uint)priority) | ((ulong)flags << 32),
    };
}
