namespace PSBpf.Engine.Native;

/// <summary>
/// BPF_LINK_CREATE for tcx with a place in the chain (uapi 6.6+): the tcx member of the link_create union is
/// <c>union { __u32 relative_fd; __u32 relative_id; }; __u64 expected_revision;</c>, placed by flags.
/// </summary>
internal static class TcxLinkAttr
{
    public const uint FlagBefore = 1U << 3; // BPF_F_BEFORE
    public const uint FlagAfter = 1U << 4;  // BPF_F_AFTER
    public const uint FlagId = 1U << 5;     // BPF_F_ID: relative_id is a program id, not an fd

    /// <summary>Before (or after) program <paramref name="relativeId"/>; id 0 means the very front (or end) of the chain.</summary>
    public static LinkCreateAttr Create(BpfFd prog, uint ifindex, BpfAttachType direction, bool before, uint relativeId) => new()
    {
        prog_fd = (uint)prog.Value,
        target_fd = ifindex,
        attach_type = (uint)direction,
        flags = (before ? FlagBefore : FlagAfter) | (relativeId != 0 ? FlagId : 0),
        union0 = relativeId, // expected_revision (union1) stays 0: no revision check
    };
}
