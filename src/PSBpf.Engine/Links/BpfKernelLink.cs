using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An open reference to a link already in the kernel, found again by id or by its pin (libbpf's bpf_link__open):
/// for links made by an earlier session or another process. Disposing it closes this reference only; <see cref="Remove"/>
/// takes the link away (unpin, BPF_LINK_DETACH where the link type has it, close).
/// </summary>
public sealed class BpfKernelLink : BpfKernelObject<BpfLinkInfo>
{
    private BpfKernelLink(BpfFd fd, string? pinPath)
        : base(fd, f => LinkInfoReader.Read(f, InspectionContext.None))
    {
        PinPath = pinPath;
    }

    /// <summary>Kernel link id.</summary>
    public uint Id => Info.Id;
    /// <summary>The pin it was opened from, or null when opened by id.</summary>
    public string? PinPath { get; }

    /// <summary>Opens the link with kernel id <paramref name="id"/> (BPF_LINK_GET_FD_BY_ID); null when no link has it.</summary>
    public static BpfKernelLink? Open(uint id) =>
        Bpf.GetFdById(BpfCommand.LinkGetFdById, id) is { } fd ? new BpfKernelLink(fd, null) : null;

    /// <summary>
    /// Opens the link pinned at <paramref name="path"/> (BPF_OBJ_GET). Throws <see cref="BpfPinException"/> when nothing
    /// is pinned there (NotFound) or the pin is a map or program (NotALink).
    /// </summary>
    public static BpfKernelLink OpenPinned(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        var fd = BpfPinPath.TryOpen(full) ?? throw new BpfPinException(full, BpfPinFailure.NotFound, "nothing is pinned there");
        var kind = BpfInspection.KindOf(fd);
        if (kind != BpfKernelObjectKind.Link)
        {
            fd.Dispose();
            throw new BpfPinException(full, BpfPinFailure.NotALink, $"the pin holds a {kind.ToString().ToLowerInvariant()}, not a link");
        }

        return new BpfKernelLink(fd, full);
    }

    /// <summary>Every path on a bpffs mount where this link is pinned now (a walk over the bpffs mounts).</summary>
    public IReadOnlyList<string> FindPins() => BpfPins.Scan().Links(Id);

    /// <summary>
    /// Takes the link away: removes every pin of it, detaches it with BPF_LINK_DETACH where its type supports that (xdp,
    /// tcx, cgroup, netns, netfilter, …: the program leaves the hook even while other processes hold the link), then
    /// closes this reference. Other types (perf_event, raw_tracepoint, tracing, iter) are released only when the last
    /// fd and pin is gone; <see cref="BpfLinkRemoval.Detached"/> says whether the program is off its hook.
    /// </summary>
    public BpfLinkRemoval Remove()
    {
        var removed = new List<string>();
        foreach (var pin in FindPins())
        {
            if (BpfPinPath.RemoveIfHolds(pin, BpfKernelObjectKind.Link, Id)) removed.Add(pin);
        }

        int r = Bpf.TryLinkDetach(Fd);
        bool forced = r == 0;
        if (r < 0 && -r is not (Errno.EOPNOTSUPP or Errno.ENOTSUPP or Errno.EINVAL))
        {
            throw new BpfSyscallException(BpfCommand.LinkDetach, $"BPF_LINK_DETACH of link {Id}", -r, Bpf.Explain(BpfCommand.LinkDetach, -r));
        }

        Dispose();
        bool gone;
        using (var again = Bpf.GetFdById(BpfCommand.LinkGetFdById, Id)) gone = again is null;
        BpfProcessRef[] holders = gone || forced ? [] : BpfHolders.Scan().Links(Id);
        return new BpfLinkRemoval(Id, removed, forced, gone || forced, holders);
    }
}
