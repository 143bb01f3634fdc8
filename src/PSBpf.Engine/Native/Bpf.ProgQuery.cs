namespace PSBpf.Engine.Native;

/// <summary>BPF_PROG_QUERY: the programs attached to one hook of a cgroup, network namespace or interface.</summary>
internal static unsafe partial class Bpf
{
    /// <summary>
    /// Queries <paramref name="attachType"/> on <paramref name="target"/> (an fd, or an ifindex for tcx and netkit).
    /// Returns -errno instead of throwing (a hook the kernel or the target does not have is an answer: nothing there),
    /// except for EPERM: a caller without CAP_NET_ADMIN learns nothing, which must not read as "nothing attached".
    /// </summary>
    /// <exception cref="BpfSyscallException">EPERM.</exception>
    public static int TryProgQuery(uint target, BpfAttachType attachType, uint queryFlags, out ProgQueryResult result)
    {
        result = new ProgQueryResult();
        // the first call sizes the arrays; programs attached in between make the second fail with ENOSPC: ask again
        for (int attempt = 0; attempt < 8; attempt++)
        {
            var probe = new ProgQueryAttr { target_fd = target, attach_type = (uint)attachType, query_flags = queryFlags };
            int r = TryCall(BpfCommand.ProgQuery, ref probe);
            if (r == -Errno.EPERM)
            {
                throw new BpfSyscallException(BpfCommand.ProgQuery, $"BPF_PROG_QUERY of {attachType}", Errno.EPERM, Explain(BpfCommand.ProgQuery, Errno.EPERM));
            }

            if (r < 0) return r;
            uint count = probe.prog_cnt;
            if (count == 0)
            {
                result = new ProgQueryResult { AttachFlags = probe.attach_flags, Revision = probe.revision };
                return 0;
            }

            var ids = new uint[count];
            var flags = new uint[count];
            var links = new uint[count];
            var linkFlags = new uint[count];
            fixed (uint* pi = ids, pf = flags, pl = links, plf = linkFlags)
            {
                var attr = new ProgQueryAttr
                {
                    target_fd = target, attach_type = (uint)attachType, query_flags = queryFlags, prog_cnt = count,
                    prog_ids = (ulong)pi,
                    // the kernel refuses per-program flags for an effective cgroup query (EINVAL)
                    prog_attach_flags = (queryFlags & ProgQueryAttr.FlagQueryEffective) != 0 ? 0 : (ulong)pf, link_ids = (ulong)pl, link_attach_flags = (ulong)plf,
                };
                r = TryCall(BpfCommand.ProgQuery, ref attr);
                if (r == -Errno.ENOSPC) continue;
                if (r < 0) return r;
                int n = (int)Math.Min(attr.prog_cnt, count);
                result = new ProgQueryResult
                {
                    AttachFlags = attr.attach_flags,
                    ProgramIds = ids[..n],
                    ProgramAttachFlags = flags[..n],
                    LinkIds = links[..n],
                    Revision = attr.revision,
                };
                return 0;
            }
        }

        return -Errno.ENOSPC;
    }

    /// <summary>BPF_PROG_DETACH of program <paramref name="prog"/> from <paramref name="target"/> (an fd, or an ifindex for tcx); throws on failure.</summary>
    public static void ProgDetach(uint target, BpfFd prog, BpfAttachType attachType, string what)
    {
        var attr = new ProgAttachAttr { target_fd = target, attach_bpf_fd = (uint)prog.Value, attach_type = (uint)attachType };
        Call(BpfCommand.ProgDetach, ref attr, $"BPF_PROG_DETACH for {what}");
    }
}
