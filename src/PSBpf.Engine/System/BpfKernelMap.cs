using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>An open reference to a map already in the kernel, by id or by pinned path.</summary>
public sealed class BpfKernelMap : BpfKernelObject<BpfMapInfo>
{
    private BpfKernelMap(BpfFd fd) : base(fd, f => KernelInfoReader.Map(f, InspectionContext.None)) { }

    /// <summary>Opens the map with kernel id <paramref name="id"/> (BPF_MAP_GET_FD_BY_ID).</summary>
    /// <exception cref="KeyNotFoundException">No map has that id.</exception>
    public static BpfKernelMap Open(uint id) =>
        new(Bpf.GetFdById(BpfCommand.MapGetFdById, id) ?? throw new KeyNotFoundException($"no BPF map has id {id}"));

    /// <summary>Opens the map pinned at <paramref name="path"/> on a bpffs (BPF_OBJ_GET).</summary>
    /// <exception cref="InvalidOperationException">The pin is not a map.</exception>
    public static BpfKernelMap OpenPinned(string path) => new(OpenPinnedFd(path, BpfKernelObjectKind.Map, "a map"));
}
