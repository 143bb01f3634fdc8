using PSBpf.Engine.Btf;
using PSBpf.Engine.Loader;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>An open reference to a map already in the kernel, by id or by pinned path.</summary>
public sealed class BpfKernelMap : BpfKernelObject<BpfMapInfo>
{
    private BpfMap? _map;

    private BpfKernelMap(BpfFd fd) : base(fd, f => KernelInfoReader.Map(f, InspectionContext.None)) { }

    /// <summary>Opens the map with kernel id <paramref name="id"/> (BPF_MAP_GET_FD_BY_ID).</summary>
    /// <exception cref="BpfKernelObjectNotFoundException">No map has that id.</exception>
    public static BpfKernelMap Open(uint id) =>
        new(Bpf.GetFdById(BpfCommand.MapGetFdById, id) ?? throw new BpfKernelObjectNotFoundException(BpfKernelObjectKind.Map, id));

    /// <summary>Opens the map pinned at <paramref name="path"/> on a bpffs (BPF_OBJ_GET).</summary>
    /// <exception cref="InvalidOperationException">The pin is not a map.</exception>
    /// <exception cref="BpfKernelObjectNotFoundException">Nothing is pinned there.</exception>
    public static BpfKernelMap OpenPinned(string path) => new(OpenPinnedFd(path, BpfKernelObjectKind.Map, "a map"));

    /// <summary>
    /// The map as a <see cref="BpfMap"/>, so every map operation (lookup, update, batch, queue/stack, the BTF value codec)
    /// works on it as on an object's map. Its BTF is the map's own BTF object read back from the kernel
    /// (BPF_BTF_GET_FD_BY_ID); maps without BTF use integers and bytes. Valid until this reference is disposed.
    /// </summary>
    /// <exception cref="BpfFormatException">The map's BTF cannot be parsed.</exception>
    public BpfMap Map => _map ??= BuildView();

    /// <summary>
    /// True for a <see cref="Map"/> view whose <see cref="BpfKernelMap"/> has been disposed: open it again by
    /// <see cref="BpfMap.Id"/> to use it (entries piped on after the command that read them closed its fd).
    /// </summary>
    public static bool IsClosedView(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.Kernel is not null && map.Fd is null;
    }

    /// <summary>True for a map obtained through <see cref="Map"/> rather than from a <see cref="BpfObject"/>.</summary>
    public static bool IsView(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.Kernel is not null;
    }

    /// <inheritdoc />
    private protected override void OnDispose()
    {
        // the map shares this reference's fd: it must not keep a closed handle
        if (_map is not { } map) return;
        map.Mapping?.Dispose();
        map.Mapping = null;
        map.Fd = null;
    }

    private BpfMap BuildView()
    {
        var info = Info;
        var btf = info.BtfId == 0 ? ProgramBtf(info) : LoadBtf(info);
        string name = info.Name.Length > 0 ? info.Name : $"id {info.Id}";
        bool datasec = btf is not null && info.BtfValueTypeId != 0 && btf.KindOf(info.BtfValueTypeId) == BtfKind.Datasec;
        var map = new BpfMap(this, name, datasec ? BpfMapOrigin.Data : BpfMapOrigin.Btf, btf)
        {
            Type = info.Type,
            KeySize = info.KeySize,
            ValueSize = info.ValueSize,
            MaxEntries = info.MaxEntries,
            Flags = info.Flags,
            MapExtra = info.MapExtra,
            KeyTypeId = btf is null ? 0 : info.BtfKeyTypeId,
            ValueTypeId = btf is null ? 0 : info.BtfValueTypeId,
            Id = info.Id,
            Fd = Fd,
        };
        return map;
    }

    /// <summary>
    /// The BTF of a program that uses the map, for maps the kernel keeps no BTF for (ring buffers, perf event arrays: they
    /// have no key/value types): their records are the program's types, so `-Type event` can still decode them. Null
    /// when no loaded program with BTF uses the map.
    /// </summary>
    private static BtfSpec? ProgramBtf(BpfMapInfo info)
    {
        var user = BpfInspection.GetPrograms(includePids: false, includePinnedPaths: false)
            .FirstOrDefault(p => p.BtfId != 0 && p.MapIds.Contains(info.Id));
        if (user is null) return null;
        try
        {
            var (data, _, isKernel) = Bpf.BtfGetData(user.BtfId);
            return isKernel ? null : BtfSpec.Parse(data, $"BTF id {user.BtfId} of program id {user.Id} (using map id {info.Id})");
        }
        catch (KeyNotFoundException)
        {
            return null; // the program went away meanwhile
        }
    }

    private static BtfSpec LoadBtf(BpfMapInfo info)
    {
        var (data, name, isKernel) = Bpf.BtfGetData(info.BtfId);
        string source = $"BTF id {info.BtfId} of map id {info.Id}";
        // module BTF is split BTF on vmlinux; program BTF (what loaders upload) stands alone
        var baseBtf = isKernel && name != "vmlinux" ? KernelBtf.Get(BpfLoadOptions.RunningKernelBtf) : null;
        var btf = BtfSpec.Parse(data, source, baseBtf);
        foreach (var (what, id) in new[] { ("key", info.BtfKeyTypeId), ("value", info.BtfValueTypeId) })
        {
            if (id >= btf.Count) throw new BpfFormatException(source, ".BTF", 0, $"map id {info.Id}'s {what} type id {id} is beyond the {btf.Count} types of its BTF");
        }

        return btf;
    }
}
