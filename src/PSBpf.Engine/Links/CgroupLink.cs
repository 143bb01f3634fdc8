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

    internal static CgroupLink Attach(BpfProgram program, string path, BpfAttachType attachType)
    {
        var fd = program.LoadedFd();
        // the cgroup fd is needed only for the call: the link keeps its own reference to the cgroup
        using var cgroup = LibC.OpenDirectory(path, "cgroup");
        var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = (uint)cgroup.Value, attach_type = (uint)attachType };
        return new CgroupLink(program, Bpf.LinkCreate(ref attr, $"program '{program.Name}' ({attachType}) on cgroup {path}"), path, attachType);
    }
}
