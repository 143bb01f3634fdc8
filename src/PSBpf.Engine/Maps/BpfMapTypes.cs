using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// The BTF types a map's keys and values are encoded and decoded with: the map's own (<see cref="Of"/>), or types from
/// elsewhere, such as a <see cref="BtfCHeader"/>, for maps created without BTF (<see cref="With"/>). A null BTF or type id
/// 0 means none: integers for 1, 2, 4 and 8 bytes, byte arrays otherwise.
/// </summary>
/// <param name="KeyBtf">BTF of the key type.</param>
/// <param name="KeyTypeId">Key type id in <paramref name="KeyBtf"/> (0: none).</param>
/// <param name="ValueBtf">BTF of the value type.</param>
/// <param name="ValueTypeId">Value type id in <paramref name="ValueBtf"/> (0: none).</param>
public sealed record BpfMapTypes(BtfSpec? KeyBtf, uint KeyTypeId, BtfSpec? ValueBtf, uint ValueTypeId)
{
    /// <summary>The map's own types (from its object's BTF, or the BTF the kernel keeps for it).</summary>
    public static BpfMapTypes Of(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new BpfMapTypes(map.Btf, map.KeyTypeId, map.Btf, map.ValueTypeId);
    }

    /// <summary>
    /// The map's types with <paramref name="key"/> and/or <paramref name="value"/> (null: the map's own) in their place.
    /// Each must be exactly as large as the map's key or value (per CPU, for per-CPU maps).
    /// </summary>
    /// <exception cref="BpfValueException">A type's size differs from the map's key or value size.</exception>
    public static BpfMapTypes With(BpfMap map, BtfType? key, BtfType? value)
    {
        var own = Of(map);
        if (key is not null) Check(map, key, map.KeySize, "key");
        if (value is not null) Check(map, value, map.ValueSize, "value");
        return new BpfMapTypes(key?.Owner ?? own.KeyBtf, key?.Id ?? own.KeyTypeId, value?.Owner ?? own.ValueBtf, value?.Id ?? own.ValueTypeId);
    }

    private static void Check(BpfMap map, BtfType type, uint size, string what)
    {
        long typeSize = type.Owner.SizeOf(type.Id);
        if (typeSize != size) throw new BpfValueException(what, $"{type} is {typeSize} bytes; map '{map.Name}' has {size}-byte {what}s");
    }
}
