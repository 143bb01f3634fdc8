using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An open reference to a map already in the kernel (loaded by anyone), by id or by pinned path. Holding it keeps
/// the map alive; disposing it closes the fd only (nothing is unloaded if others hold the map).
/// </summary>
public sealed class BpfKernelMap : IDisposable
{
    private BpfKernelMap(BpfFd fd)
    {
        Fd = fd;
        try
        {
            Info = KernelInfoReader.Map(fd, InspectionContext.None);
        }
        catch
        {
            fd.Dispose(); // the caller never sees this object, so nothing else would close the fd
            throw;
        }
    }

    /// <summary>The map's info as of opening.</summary>
    public BpfMapInfo Info { get; }
    internal BpfFd Fd { get; }

    /// <summary>Opens the map with kernel id <paramref name="id"/> (BPF_MAP_GET_FD_BY_ID).</summary>
    /// <exception cref="KeyNotFoundException">No map has that id.</exception>
    public static BpfKernelMap Open(uint id) =>
        new(Bpf.GetFdById(BpfCommand.MapGetFdById, id) ?? throw new KeyNotFoundException($"no BPF map has id {id}"));

    /// <summary>Opens the map pinned at <paramref name="path"/> on a bpffs (BPF_OBJ_GET).</summary>
    /// <exception cref="InvalidOperationException">The pin is not a map.</exception>
    public static BpfKernelMap OpenPinned(string path)
    {
        var fd = Bpf.ObjGet(path);
        if (BpfInspection.KindOf(fd) != BpfKernelObjectKind.Map)
        {
            var kind = BpfInspection.KindOf(fd);
            fd.Dispose();
            throw new InvalidOperationException($"'{path}' is pinned {kind}, not a map");
        }

        return new BpfKernelMap(fd);
    }

    /// <summary>Closes this reference.</summary>
    public void Dispose() => Fd.Dispose();

    /// <inheritdoc />
    public override string ToString() => Info.ToString();
}
