using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// What is attached to cgroups, like <c>bpftool cgroup show</c> and <c>bpftool cgroup tree</c>: BPF_PROG_QUERY of
/// every cgroup hook, with the attach flags, or with BPF_F_QUERY_EFFECTIVE the programs that run for the cgroup.
/// </summary>
public static unsafe class BpfCgroupInspection
{
    // the cgroup hooks in enum bpf_attach_type order (bpftool queries each in that order)
    private static readonly BpfAttachType[] Hooks =
    [
        BpfAttachType.cgroup_inet_ingress, BpfAttachType.cgroup_inet_egress, BpfAttachType.cgroup_inet_sock_create, BpfAttachType.cgroup_sock_ops,
        BpfAttachType.cgroup_device, BpfAttachType.cgroup_inet4_bind, BpfAttachType.cgroup_inet6_bind, BpfAttachType.cgroup_inet4_connect,
        BpfAttachType.cgroup_inet6_connect, BpfAttachType.cgroup_inet4_post_bind, BpfAttachType.cgroup_inet6_post_bind, BpfAttachType.cgroup_udp4_sendmsg,
        BpfAttachType.cgroup_udp6_sendmsg, BpfAttachType.cgroup_sysctl, BpfAttachType.cgroup_udp4_recvmsg, BpfAttachType.cgroup_udp6_recvmsg,
        BpfAttachType.cgroup_getsockopt, BpfAttachType.cgroup_setsockopt, BpfAttachType.cgroup_inet4_getpeername, BpfAttachType.cgroup_inet6_getpeername,
        BpfAttachType.cgroup_inet4_getsockname, BpfAttachType.cgroup_inet6_getsockname, BpfAttachType.cgroup_inet_sock_release, BpfAttachType.lsm_cgroup,
        BpfAttachType.cgroup_unix_connect, BpfAttachType.cgroup_unix_sendmsg, BpfAttachType.cgroup_unix_recvmsg, BpfAttachType.cgroup_unix_getpeername,
        BpfAttachType.cgroup_unix_getsockname,
    ];

    /// <summary>
    /// The programs attached to the cgroup at <paramref name="cgroupPath"/> (a cgroup2 directory), hook by hook in run
    /// order; with <paramref name="effective"/> those that run for it (inherited ones included); with
    /// <paramref name="recurse"/> the same for every cgroup below it, parents before children (like bpftool cgroup tree).
    /// </summary>
    /// <exception cref="ArgumentException">The path is not a cgroup2 directory (ParamName "CgroupPath").</exception>
    /// <exception cref="BpfSyscallException">The directory cannot be opened (ENOENT: it does not exist).</exception>
    public static IReadOnlyList<BpfCgroupAttachment> GetAttachments(string cgroupPath, bool effective = false, bool recurse = false)
    {
        ArgumentNullException.ThrowIfNull(cgroupPath);
        var names = new Dictionary<uint, string>();
        var result = new List<BpfCgroupAttachment>();
        IReadOnlyList<BpfLinkInfo>? links = null;
        var claimed = new HashSet<uint>();
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(cgroupPath));
        if (root.Length == 0) root = "/";
        Walk(root, top: true);
        return result;

        void Walk(string path, bool top)
        {
            BpfFd fd;
            try
            {
                fd = CgroupDirectory.Open(path);
            }
            catch (BpfSyscallException) when (!top)
            {
                return; // a cgroup removed while walking the tree
            }

            using (fd)
            {
                ulong id = LibC.Inode(fd, $"cgroup {path}");
                foreach (var hook in Hooks)
                {
                    // EINVAL: a hook this kernel does not have
                    if (Bpf.TryProgQuery((uint)fd.Value, hook, effective ? ProgQueryAttr.FlagQueryEffective : 0, out var q) < 0) continue;
                    for (int n = 0; n < q.ProgramIds.Length; n++)
                    {
                        uint prog = q.ProgramIds[n];
                        uint flags = n < q.ProgramAttachFlags.Length && q.ProgramAttachFlags[n] != 0 ? q.ProgramAttachFlags[n] : q.AttachFlags;
                        result.Add(new BpfCgroupAttachment
                        {
                            CgroupPath = path, CgroupId = id, AttachType = hook, Effective = effective, Order = n, ProgramId = prog,
                            ProgramName = BpfNetInspection.ProgramName(prog, names),
                            AttachFlags = effective ? null : FlagWords(flags),
                            // an effective entry may come from an ancestor: its link is not this cgroup's
                            LinkId = effective ? null : LinkOf(id, hook, prog),
                        });
                    }
                }
            }

            if (!recurse) return;
            List<DirectoryInfo> children;
            try
            {
                // the attributes come with the listing: a cgroup removed meanwhile is skipped, not an error
                children = new DirectoryInfo(path).EnumerateDirectories().Where(d => (d.Attributes & FileAttributes.ReparsePoint) == 0).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }

            foreach (var child in children) Walk(child.FullName, top: false);
        }

        uint? LinkOf(ulong cgroupId, BpfAttachType hook, uint prog)
        {
            links ??= BpfInspection.GetLinks(includePids: false, includePinnedPaths: false);
            var l = links.FirstOrDefault(x => !claimed.Contains(x.Id) && x.Type == BpfLinkType.cgroup && x.CgroupId == cgroupId && x.AttachType == hook && x.ProgramId == prog);
            if (l is null) return null;
            claimed.Add(l.Id);
            return l.Id;
        }
    }

    /// <summary>
    /// Detaches a BPF_PROG_ATTACH attachment (BPF_PROG_DETACH of its program from its cgroup hook); link-held ones are
    /// detached through their link (<see cref="BpfKernelLink"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The attachment is held by a link, or is an effective listing (it may be an ancestor's).</exception>
    /// <exception cref="BpfKernelObjectNotFoundException">The program is gone.</exception>
    /// <exception cref="BpfSyscallException">The kernel refused (ENOENT: the program is not attached there any more).</exception>
    public static void Detach(BpfCgroupAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (attachment.Effective) throw new ArgumentException($"{attachment} is an effective listing: it may be attached to an ancestor; list the cgroup's own attachments (without -Effective) to detach", nameof(attachment));
        if (attachment.LinkId is { } link) throw new ArgumentException($"{attachment} is held by link {link}: detach the link (Remove-BpfAttachment -Id {link})", nameof(attachment));
        using var prog = Bpf.GetFdById(BpfCommand.ProgGetFdById, attachment.ProgramId) ?? throw new BpfKernelObjectNotFoundException(BpfKernelObjectKind.Program, attachment.ProgramId);
        using var cgroup = CgroupDirectory.Open(attachment.CgroupPath);
        Bpf.ProgDetach((uint)cgroup.Value, prog, attachment.AttachType, $"program {attachment.ProgramId} ({attachment.AttachType}) on cgroup {attachment.CgroupPath}");
    }

    /// <summary>bpftool's words for attach flags: multi, override, "" for none, or the number for anything else.</summary>
    private static string FlagWords(uint flags) =>
        (flags & ProgQueryAttr.FlagAllowMulti) != 0 ? "multi"
        : (flags & ProgQueryAttr.FlagAllowOverride) != 0 ? "override"
        : flags == 0 ? string.Empty
        : $"unknown({flags:x})";
}
