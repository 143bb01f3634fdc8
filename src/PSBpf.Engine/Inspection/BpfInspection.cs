using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Kernel-wide inspection, like <c>bpftool prog/map/link show</c>: walks the kernel's ids (BPF_*_GET_NEXT_ID), opens
/// each object (BPF_*_GET_FD_BY_ID), reads its info and closes it again. Objects released between listing and
/// opening are skipped. Needs CAP_SYS_ADMIN (root): the kernel refuses id walks otherwise.
/// </summary>
public static class BpfInspection
{
    /// <summary>Every program loaded in the kernel, by id.</summary>
    /// <param name="includePids">Also find the processes holding each program (a walk over /proc).</param>
    /// <param name="includePinnedPaths">Also find where each program is pinned (a walk over every bpffs mount).</param>
    public static IReadOnlyList<BpfProgramInfo> GetPrograms(bool includePids = true, bool includePinnedPaths = true) =>
        Walk(BpfCommand.ProgGetNextId, BpfCommand.ProgGetFdById, InspectionContext.Scan(includePids, includePinnedPaths), KernelInfoReader.Program);

    /// <summary>Every map in the kernel, by id.</summary>
    /// <param name="includePids">Also find the processes holding each map.</param>
    /// <param name="includePinnedPaths">Also find where each map is pinned.</param>
    public static IReadOnlyList<BpfMapInfo> GetMaps(bool includePids = true, bool includePinnedPaths = true) =>
        Walk(BpfCommand.MapGetNextId, BpfCommand.MapGetFdById, InspectionContext.Scan(includePids, includePinnedPaths), KernelInfoReader.Map);

    /// <summary>Every link in the kernel, by id.</summary>
    /// <param name="includePids">Also find the processes holding each link.</param>
    /// <param name="includePinnedPaths">Also find where each link is pinned.</param>
    public static IReadOnlyList<BpfLinkInfo> GetLinks(bool includePids = true, bool includePinnedPaths = true) =>
        Walk(BpfCommand.LinkGetNextId, BpfCommand.LinkGetFdById, InspectionContext.Scan(includePids, includePinnedPaths), LinkInfoReader.Read);

    /// <summary>The program with kernel id <paramref name="id"/>, or null when there is none.</summary>
    /// <param name="id">Kernel program id.</param>
    /// <param name="includePids">Also find the processes holding it.</param>
    /// <param name="includePinnedPaths">Also find where it is pinned.</param>
    public static BpfProgramInfo? GetProgram(uint id, bool includePids = true, bool includePinnedPaths = true) =>
        One(BpfCommand.ProgGetFdById, id, InspectionContext.Scan(includePids, includePinnedPaths), KernelInfoReader.Program);

    /// <summary>The map with kernel id <paramref name="id"/>, or null when there is none.</summary>
    /// <param name="id">Kernel map id.</param>
    /// <param name="includePids">Also find the processes holding it.</param>
    /// <param name="includePinnedPaths">Also find where it is pinned.</param>
    public static BpfMapInfo? GetMap(uint id, bool includePids = true, bool includePinnedPaths = true) =>
        One(BpfCommand.MapGetFdById, id, InspectionContext.Scan(includePids, includePinnedPaths), KernelInfoReader.Map);

    /// <summary>The link with kernel id <paramref name="id"/>, or null when there is none.</summary>
    /// <param name="id">Kernel link id.</param>
    /// <param name="includePids">Also find the processes holding it.</param>
    /// <param name="includePinnedPaths">Also find where it is pinned.</param>
    public static BpfLinkInfo? GetLink(uint id, bool includePids = true, bool includePinnedPaths = true) =>
        One(BpfCommand.LinkGetFdById, id, InspectionContext.Scan(includePids, includePinnedPaths), LinkInfoReader.Read);

    /// <summary>The programs with these ids (null where none has the id), with one /proc and bpffs scan for all of them.</summary>
    /// <param name="ids">Kernel program ids.</param>
    /// <param name="includePids">Also find the processes holding each.</param>
    /// <param name="includePinnedPaths">Also find where each is pinned.</param>
    public static IReadOnlyList<(uint Id, BpfProgramInfo? Info)> GetPrograms(IEnumerable<uint> ids, bool includePids = true, bool includePinnedPaths = true) =>
        Many(BpfCommand.ProgGetFdById, ids, InspectionContext.Scan(includePids, includePinnedPaths), KernelInfoReader.Program);

    /// <summary>The maps with these ids (null where none has the id), with one scan for all of them.</summary>
    /// <param name="ids">Kernel map ids.</param>
    /// <param name="includePids">Also find the processes holding each.</param>
    /// <param name="includePinnedPaths">Also find where each is pinned.</param>
    public static IReadOnlyList<(uint Id, BpfMapInfo? Info)> GetMaps(IEnumerable<uint> ids, bool includePids = true, bool includePinnedPaths = true) =>
        Many(BpfCommand.MapGetFdById, ids, InspectionContext.Scan(includePids, includePinnedPaths), KernelInfoReader.Map);

    /// <summary>The links with these ids (null where none has the id), with one scan for all of them.</summary>
    /// <param name="ids">Kernel link ids.</param>
    /// <param name="includePids">Also find the processes holding each.</param>
    /// <param name="includePinnedPaths">Also find where each is pinned.</param>
    public static IReadOnlyList<(uint Id, BpfLinkInfo? Info)> GetLinks(IEnumerable<uint> ids, bool includePids = true, bool includePinnedPaths = true) =>
        Many(BpfCommand.LinkGetFdById, ids, InspectionContext.Scan(includePids, includePinnedPaths), LinkInfoReader.Read);

    /// <summary>What an fd of this process refers to, from its /proc/self/fd link ("anon_inode:bpf-prog" etc.).</summary>
    internal static BpfKernelObjectKind KindOf(BpfFd fd)
    {
        string? target;
        try
        {
            target = new FileInfo($"/proc/self/fd/{fd.Value}").LinkTarget;
        }
        catch (IOException)
        {
            return BpfKernelObjectKind.Unknown;
        }

        return target switch
        {
            "anon_inode:bpf-prog" => BpfKernelObjectKind.Program,
            "anon_inode:bpf-map" => BpfKernelObjectKind.Map,
            // the kernel names a link's inode "bpf_link" when the link is made but "bpf-link" for fds from BPF_OBJ_GET
            // and BPF_LINK_GET_FD_BY_ID (bpf_link_prime vs bpf_link_new_fd)
            "anon_inode:bpf_link" or "anon_inode:bpf-link" => BpfKernelObjectKind.Link,
            _ => BpfKernelObjectKind.Unknown,
        };
    }

    private static List<(uint, T?)> Many<T>(BpfCommand open, IEnumerable<uint> ids, InspectionContext context, Func<BpfFd, InspectionContext, T> read)
        where T : class =>
        ids.Distinct().Select(id => (id, One(open, id, context, read))).ToList();

    private static List<T> Walk<T>(BpfCommand next, BpfCommand open, InspectionContext context, Func<BpfFd, InspectionContext, T> read)
    {
        var result = new List<T>();
        uint id = 0;
        while (Bpf.GetNextId(next, id) is { } nextId)
        {
            id = nextId;
            using var fd = Bpf.GetFdById(open, id);
            if (fd is not null) result.Add(read(fd, context));
        }

        return result;
    }

    // context is scanned by the caller before the fd is opened, so our own short-lived fd does not count as a holder.
    private static T? One<T>(BpfCommand open, uint id, InspectionContext context, Func<BpfFd, InspectionContext, T> read)
        where T : class
    {
        using var fd = Bpf.GetFdById(open, id);
        return fd is null ? null : read(fd, context);
    }
}
