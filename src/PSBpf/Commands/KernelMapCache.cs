using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// The kernel maps an entry cmdlet opened (by -Id, -PinnedPath, a BpfMapInfo, or again for an entry whose map view was
/// closed by the command that read it): one fd per map, all closed when the cmdlet releases the cache.
/// </summary>
internal sealed class KernelMapCache : IDisposable
{
    private readonly Dictionary<uint, BpfKernelMap> _byId = [];
    private readonly Dictionary<string, BpfKernelMap> _byPin = new(StringComparer.Ordinal);

    /// <summary>The map with kernel id <paramref name="id"/>, opened on first use.</summary>
    public BpfMap ById(uint id)
    {
        if (!_byId.TryGetValue(id, out var k)) _byId[id] = k = BpfKernelMap.Open(id);
        return k.Map;
    }

    /// <summary>The map pinned at <paramref name="path"/>, opened on first use.</summary>
    public BpfMap ByPin(string path)
    {
        if (!_byPin.TryGetValue(path, out var k)) _byPin[path] = k = BpfKernelMap.OpenPinned(path);
        return k.Map;
    }

    /// <summary><paramref name="map"/> itself, or for a kernel-map view that has been closed, the same map opened again by id.</summary>
    public BpfMap Usable(BpfMap map) => BpfKernelMap.IsClosedView(map) && map.Id is uint id ? ById(id) : map;

    /// <summary>Closes every map opened so far.</summary>
    public void Dispose()
    {
        foreach (var k in _byId.Values.Concat(_byPin.Values)) k.Dispose();
        _byId.Clear();
        _byPin.Clear();
    }

    /// <summary>
    /// How a failure to open a kernel map is reported: no such id or pin → BpfKernelObjectNotFound, a pin of another
    /// kind → BpfMapWrongType; null for failures the general classifier describes (privileges, unreadable BTF).
    /// </summary>
    public static BpfErrorInfo? OpenFailure(Exception exception, object target) => exception switch
    {
        BpfKernelObjectNotFoundException { PinnedPath: not null } => new BpfErrorInfo(BpfErrorIds.KernelObjectNotFound, BpfErrorCategory.ObjectNotFound, $"Nothing is pinned at '{target}'."),
        BpfKernelObjectNotFoundException => new BpfErrorInfo(BpfErrorIds.KernelObjectNotFound, BpfErrorCategory.ObjectNotFound, $"No BPF map with id '{target}' in the kernel."),
        InvalidOperationException i => new BpfErrorInfo(BpfErrorIds.MapWrongType, BpfErrorCategory.InvalidArgument, i.Message),
        _ => null,
    };
}
