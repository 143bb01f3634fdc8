using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>The type names a <see cref="BpfEventDecoder"/> accepts for a map: what -Type of Receive-BpfRingBuffer can complete to.</summary>
public static class BpfRecordTypes
{
    /// <summary>Names of the named structs, unions and typedefs in the BTF of <paramref name="map"/>'s object, sorted and distinct; empty without BTF.</summary>
    public static IReadOnlyList<string> Names(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Names(map.Btf);
    }

    /// <summary>Names of the named structs, unions and typedefs of <paramref name="btf"/>, sorted and distinct; empty for null.</summary>
    public static IReadOnlyList<string> Names(BtfSpec? btf) =>
        btf is null
            ? []
            : btf.GetTypes().Where(t => t.Kind is BtfKind.Struct or BtfKind.Union or BtfKind.Typedef && t.Name.Length > 0)
                .Select(t => t.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The object a map belongs to (for completers that start from a bound -Map); null for a map opened from the kernel.</summary>
    public static BpfObject? ObjectOf(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.Object;
    }
}
