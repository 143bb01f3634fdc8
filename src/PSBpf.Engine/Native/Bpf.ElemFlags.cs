namespace PSBpf.Engine.Native;

/// <summary>BPF_MAP_LOOKUP_ELEM with flags (BPF_F_LOCK).</summary>
internal static unsafe partial class Bpf
{
    /// <summary>BPF_MAP_LOOKUP_ELEM with <paramref name="flags"/>; false when the key does not exist.</summary>
    public static bool MapLookupElem(BpfFd map, void* key, void* value, ulong flags, string what)
    {
        var attr = new MapElemAttr { map_fd = (uint)map.Value, key = (ulong)key, value = (ulong)value, flags = flags };
        return CallFound(BpfCommand.MapLookupElem, ref attr, $"BPF_MAP_LOOKUP_ELEM on {what}");
    }
}
