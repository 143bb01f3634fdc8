using PSBpf.Engine;

namespace PSBpf.Output;

/// <summary>
/// One entry of a map for the pipeline: the key and value decoded through BTF (structs as custom objects); for per-CPU
/// maps the value is an array with one value per possible CPU, in CPU order. Queue and stack values have no key.
/// </summary>
/// <remarks>
/// Key and Value are the only public properties, so ConvertTo-Json, Export-Csv and Export-Clixml write plain data.
/// The map the entry came from is internal (PowerShell's adapters, and so every serializer, see public members only):
/// Set-BpfMapEntry and Remove-BpfMapEntry reach it through their -InputObject parameter, typed BpfMapItem, when an
/// entry is piped back.
/// </remarks>
public sealed class BpfMapItem
{
    /// <summary>Creates an entry of <paramref name="map"/>.</summary>
    /// <param name="map">The map the entry belongs to.</param>
    /// <param name="key">The decoded key, null for queue and stack values.</param>
    /// <param name="value">The decoded value; per-CPU maps: an array with one value per CPU.</param>
    public BpfMapItem(BpfMap map, object? key, object? value)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        Key = key;
        Value = value;
    }

    /// <summary>The decoded key (null for queue and stack values).</summary>
    public object? Key { get; }

    /// <summary>
    /// The decoded value; per-CPU maps: one value per possible CPU, in CPU order. Settable, so an entry can be edited
    /// and piped back into Set-BpfMapEntry.
    /// </summary>
    public object? Value { get; set; }

    /// <summary>The map the entry belongs to: not a public property, so serializers never write it.</summary>
    internal BpfMap Map { get; }

    /// <summary>Name of the map the entry belongs to, for messages.</summary>
    internal string MapName => Map.Name;
}
