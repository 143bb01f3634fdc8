using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A cgroup program attached without a link (BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI), as on kernels before cgroup links
/// (5.7) or when asked for with <see cref="BpfAttachOptions.Legacy"/>. Not a kernel link: it holds the cgroup and a
/// duplicate of the program fd, so that BPF_PROG_DETACH can name both whatever happens to the program object.
/// </summary>
public sealed class CgroupProgAttachment : BpfLink
{
    private readonly BpfFd _prog;

    private CgroupProgAttachment(BpfProgram program, BpfFd cgroup, BpfFd prog, string path, BpfAttachType attachType)
        : base(program, cgroup, $"{attachType} {path} (prog_attach)")
    {
        _prog = prog;
        CgroupPath = path;
        AttachType = attachType;
    }

    /// <inheritdoc />
    public override string Kind => "cgroup";
    /// <summary>The cgroup directory.</summary>
    public string CgroupPath { get; }
    /// <summary>The cgroup hook.</summary>
    public BpfAttachType AttachType { get; }
    private protected override bool IsKernelLink => false;

    /// <summary>Attaches a cgroup program without a link (BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI), as kernels before cgroup links did.</summary>
    /// <exception cref="ArgumentException">The program is not a Cgroup program (see <see cref="BpfAttachKinds.Cgroup"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static CgroupProgAttachment Attach(BpfProgram program, string path, BpfAttachType attachType)
    {
        BpfAttachKinds.Cgroup.Require(program);
        var cgroup = CgroupDirectory.Open(path);
        BpfFd? prog = null;
        try
        {
            prog = LibC.Duplicate(program.LoadedFd().Value, $"program '{program.Name}'");
            Bpf.ProgAttach(cgroup, prog, attachType, ProgAttachAttr.FlagAllowMulti, $"program '{program.Name}' ({attachType}) on cgroup {path}");
            return new CgroupProgAttachment(program, cgroup, prog, path, attachType);
        }
        catch
        {
            prog?.Dispose();
            cgroup.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // unlike a link, closing our fds does not detach: the cgroup keeps the program until BPF_PROG_DETACH
        if (disposing && !Fd.IsClosed) Bpf.TryProgDetach(Fd, _prog, AttachType);
        base.Dispose(disposing);
        if (disposing) _prog.Dispose();
    }
}
