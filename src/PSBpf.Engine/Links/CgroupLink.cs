using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>A cgroup program on a cgroup v2 directory (BPF_LINK_CREATE with the directory's fd as target).</summary>
public sealed class CgroupLink : BpfLink
{
    private CgroupLink(BpfProgram program, BpfFd link, string path, BpfAttachType attachType)
        : base(program, link, $"{attachType} {path}")
    {
        CgroupPath = path;
        AttachType = attachType;
    }

    /// <inheritdoc />
    public override string Kind => "cgroup";
    /// <summary>The cgroup directory.</summary>
    public string CgroupPath { get; }
    /// <summary>The cgroup hook.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Attaches a cgroup program to the cgroup directory <paramref name="path"/> at hook <paramref name="attachType"/> with a BPF link (BPF_LINK_CREATE); on kernels without cgroup links it falls back to BPF_PROG_ATTACH (a <see cref="CgroupProgAttachment"/>), as libbpf does.</summary>
    /// <exception cref="ArgumentException">The program is not a Cgroup program (see <see cref="BpfAttachKinds.Cgroup"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static BpfLink Attach(BpfProgram program, string path, BpfAttachType attachType)
    {
        BpfAttachKinds.Cgroup.Require(program);
        var fd = program.LoadedFd();
        BpfFd link;
        // the cgroup fd is needed only for the call: the link keeps its own reference to the cgroup
        using (var cgroup = CgroupDirectory.Open(path))
        {
            var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = (uint)cgroup.Value, attach_type = (uint)attachType };
            int r = Bpf.TryLinkCreate(ref attr);
            string what = $"program '{program.Name}' ({attachType}) on cgroup {path}";
            var error = r >= 0 ? null : new BpfSyscallException(BpfCommand.LinkCreate, $"BPF_LINK_CREATE for {what}", -r, Bpf.Explain(BpfCommand.LinkCreate, -r));
            if (r == -Errno.EINVAL)
            {
                // kernels before 5.7 have no cgroup links (EINVAL): attach the way they do, and report the link error if that fails too
                try { return CgroupProgAttachment.Attach(program, path, attachType); }
                catch (BpfSyscallException) { throw error!; }
            }

            link = error is null ? new BpfFd(r) : throw error;
        }

        return new CgroupLink(program, link, path, attachType);
    }
}
