using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An attachment of a program (or of a struct_ops map), held by a kernel link; disposing it detaches the program.
/// </summary>
public abstract class BpfLink : IDisposable
{
    private uint? _id;

    private protected BpfLink(BpfProgram program, BpfFd fd, string target)
    {
        Program = program;
        Fd = fd;
        Target = target;
        program.Register(this);
    }

    /// <summary>A struct_ops registration: the map carries the programs, so there is no single program.</summary>
    private protected BpfLink(BpfMap map, BpfFd fd, string target)
    {
        Map = map;
        Fd = fd;
        Target = target;
        map.Register(this);
    }

    /// <summary>The attached program; null for struct_ops registrations, whose programs the <see cref="Map"/> names.</summary>
    public BpfProgram? Program { get; }
    /// <summary>The struct_ops map a struct_ops registration attached; null for program links.</summary>
    public BpfMap? Map { get; }
    /// <summary>The attached program's name, or the struct_ops map's name (a plain value for tables and serialised copies).</summary>
    public string ProgramName => Program?.Name ?? Map!.Name;
    /// <summary>What it is attached to, e.g. "tracepoint syscalls/sys_enter_write".</summary>
    public string Target { get; }
    /// <summary>The attach kind, e.g. "tracepoint", "xdp", "cgroup", "uprobe".</summary>
    public abstract string Kind { get; }
    /// <summary>False once detached.</summary>
    public bool IsAttached => !Fd.IsClosed;
    /// <summary>The kernel link id (as in <c>bpftool link show</c>); null once detached, or for attachments that are not kernel links (socket filters).</summary>
    public uint? Id => IsAttached && IsKernelLink ? _id ??= Bpf.LinkId(Fd) : null;
    internal BpfFd Fd { get; }
    /// <summary>False where <see cref="Fd"/> is not a bpf link (a socket filter holds the socket).</summary>
    private protected virtual bool IsKernelLink => true;
    /// <summary>Why a kernel link still cannot be pinned as one (null: it can).</summary>
    private protected virtual string? NotPinnableReason => null;

    /// <summary>
    /// Where this link is pinned on bpffs (see <see cref="Pin"/>), or null. A pinned link stays attached after this object
    /// is disposed and after the process exits, until the pin is removed (<see cref="Unpin"/>, Remove-BpfAttachment).
    /// </summary>
    public string? PinPath { get; private set; }
    private uint _pinnedId;

    /// <summary>
    /// Pins the link at <paramref name="path"/> (BPF_OBJ_PIN on the link fd), as libbpf's bpf_link__pin: the directory
    /// must exist on bpffs and the path must be free. Only kernel links pin; socket filters and other attachments
    /// that are not BPF links throw <see cref="BpfPinException"/> (NotPinnable).
    /// </summary>
    public void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var what = $"{Kind} attachment of {(Program is null ? "map" : "program")} '{ProgramName}' ({Target})";
        if (!IsKernelLink) throw new BpfPinException(path, BpfPinFailure.NotPinnable, $"the {what} is not a BPF link, so it cannot be pinned");
        if (NotPinnableReason is { } reason) throw new BpfPinException(path, BpfPinFailure.NotPinnable, $"the {what} cannot be pinned: {reason}");
        if (!IsAttached) throw new BpfPinException(path, BpfPinFailure.NotAttached, $"the {what} was already released");
        if (PinPath is not null) throw new BpfPinException(path, BpfPinFailure.AlreadyPinned, $"the {what} is already pinned at {PinPath}");
        var full = BpfPinPath.ValidateNew(path);
        uint id = Id ?? 0;
        BpfPinPath.Pin(Fd, full);
        PinPath = full;
        _pinnedId = id;
        Owner.AddLinkPin(full, id);
    }

    /// <summary>
    /// Removes the pin made by <see cref="Pin"/> if it still holds this link (a pin replaced since is left alone);
    /// true when a pin was removed. Works after <see cref="Dispose()"/> too: the pin is then what keeps the link attached.
    /// </summary>
    public bool Unpin()
    {
        if (PinPath is not { } path) return false;
        bool removed = BpfPinPath.RemoveIfHolds(path, BpfKernelObjectKind.Link, _pinnedId);
        Owner.RemoveLinkPin(path);
        PinPath = null;
        return removed;
    }

    private BpfObject Owner => Program?.Object ?? Map!.Object!; // struct_ops registrations are of an object's maps

    /// <summary>
    /// True when releasing the link waits in the kernel for a grace period before the close returns, so that several
    /// such links are better released at once (<see cref="LinkRelease"/>).
    /// </summary>
    internal virtual bool ReleaseWaitsForKernel => false;

    /// <summary>Detaches.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the link and anything it holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Fd.Dispose();
        Program?.Unregister(this);
        Map?.Unregister(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{ProgramName} → {Target}";
}
