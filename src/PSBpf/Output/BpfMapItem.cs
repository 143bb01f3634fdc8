using PSBpf.Engine;

namespace PSBpf.Output;

/// <summary>
/// One entry of a map for the pipeline: the key and value decoded through BTF (structs as custom objects),
/// or per CPU for per-CPU maps. <see cref="Map"/> lets the entry flow back into Set-BpfMapEntry and Remove-BpfMapEntry.
/// </summary>
public sealed class BpfMapItem
{
    /// <summary>Creates an entry.</summary>
    public BpfMapItem(BpfMap map, object? key, object? value, object?[]? values)
    {
        Map = map;
        Key = key;
        Value = value;
        Values = values;
    }

    /// <summary>The map the entry belongs to.</summary>
    public BpfMap Map { get; }
    /// <summary>Name of the map.</summary>
    public string MapName => Map.Name;
    /// <summary>The decoded key.</summary>
    public object? Key { get; }
    /// <summary>The decoded value (null for per-CPU maps, see <see cref="Values"/>).</summary>
    public object? Value { get; }
    /// <summary>Per-CPU maps: the value on each possible CPU, in CPU order; null otherwise.</summary>
    public object?[]? Values { get; }
}
