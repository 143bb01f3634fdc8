using System.Buffers.Binary;
using System.Collections;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// Map access in values rather than bytes: keys and values are encoded and decoded through the map's BTF key and value
/// types (structs as ordered dictionaries, char arrays as strings, enums by name). Maps without BTF use integers for
/// 1, 2, 4 and 8-byte keys and values and byte arrays otherwise. Per-CPU values decode to one value per possible CPU.
/// </summary>
public static partial class BpfMapValues
{
    /// <summary>
    /// The decoded value under <paramref name="key"/>, or null when there is none. A value holding a bpf_spin_lock is read
    /// under it (BPF_F_LOCK), so a program updating it is never seen half-way. Structs are built by <paramref name="factory"/>;
    /// <paramref name="types"/> replaces the map's own key and value types.
    /// </summary>
    public static object? LookupValue(this BpfMap map, object key, BtfValueFactory? factory = null, BpfMapTypes? types = null)
    {
        var raw = map.Lookup(EncodeKey(map, key, types), BpfMapAccess.HasSpinLock(map));
        return raw is null ? null : DecodeValue(map, raw, factory, types);
    }

    /// <summary>
    /// Encodes <paramref name="key"/> and <paramref name="value"/> and stores them (per-CPU maps: one value for every CPU, or an
    /// array with one per CPU). Values holding a bpf_spin_lock are read and written under it (BPF_F_LOCK).
    /// <paramref name="types"/> replaces the map's own key and value types.
    /// </summary>
    public static void UpdateValue(this BpfMap map, object key, object? value, BpfUpdateFlags flags = BpfUpdateFlags.Any, BpfMapTypes? types = null)
    {
        var t = types ?? BpfMapTypes.Of(map);
        bool locked = BpfMapAccess.HasSpinLock(map);
        if (locked) flags |= BpfUpdateFlags.Lock;
        var k = EncodeKey(map, key, t);
        byte[] v = new byte[BpfMapAccess.ValueBufferSize(map)];
        if (BpfMapAccess.IsPerCpu(map.Type))
        {
            int slot = BpfMapAccess.PerCpuSlot(map);
            int cpus = v.Length / slot;
            var values = PerCpuValues(map, t, value, cpus);
            for (int c = 0; c < cpus; c++) Encode(map, t.ValueBtf, t.ValueTypeId, values[c], v.AsSpan(c * slot, (int)map.ValueSize), $"value[cpu {c}]");
        }
        else
        {
            if ((flags & ~BpfUpdateFlags.Lock) != BpfUpdateFlags.NoExist && map.Lookup(k, locked) is { } current) current.CopyTo(v, 0); // members not named keep their value
            Encode(map, t.ValueBtf, t.ValueTypeId, value, v, "value");
        }

        map.Update(k, v, flags);
    }

    /// <summary>
    /// One value per possible CPU: a list is taken as the per-CPU values (its length must be the CPU count), anything
    /// else is the value of every CPU. Where the value type is itself an array, only a list of lists is per-CPU.
    /// </summary>
    private static object?[] PerCpuValues(BpfMap map, BpfMapTypes t, object? value, int cpus)
    {
        static bool IsList(object? v) => v is IList and not byte[];
        bool perCpu = IsList(value) && (t.ValueBtf?.Resolve(t.ValueTypeId) is not BtfArray || ((IList)value!).Cast<object?>().FirstOrDefault() is var first && IsList(first));
        if (!perCpu) return Enumerable.Repeat(value, cpus).ToArray();
        var list = (IList)value!;
        if (list.Count != cpus)
        {
            throw new BpfValueException("value", $"map '{map.Name}' is per-CPU: give one value for each of its {cpus} possible CPUs, or a single value for all of them; got {list.Count}");
        }

        return list.Cast<object?>().ToArray();
    }

    /// <summary>Removes <paramref name="key"/> (encoded through <paramref name="types"/>, default the map's own); false when it was not there.</summary>
    public static bool DeleteKey(this BpfMap map, object key, BpfMapTypes? types = null) => map.Delete(EncodeKey(map, key, types));

    /// <summary>
    /// Every entry, decoded: straight from BPF_MAP_LOOKUP_BATCH buffers where the kernel has batches for the map type,
    /// else key by key; values with a bpf_spin_lock are read under it. Structs are built by <paramref name="factory"/>;
    /// <paramref name="types"/> replaces the map's own key and value types.
    /// </summary>
    public static IEnumerable<KeyValuePair<object?, object?>> DecodedEntries(this BpfMap map, BtfValueFactory? factory = null, BpfMapTypes? types = null)
    {
        factory ??= BtfValueFactory.Default;
        var t = types ?? BpfMapTypes.Of(map);
        if (BpfMapAccess.HasSpinLock(map))
        {
            // a spin-locked value is read key by key under its lock, so no entry is torn
            foreach (var e in map.ConsistentEntries())
            {
                yield return new KeyValuePair<object?, object?>(DecodeKey(map, e.Key, factory, t), DecodeValue(map, e.Value, factory, t));
            }

            yield break;
        }

        // Decoded straight from the batch buffers: the raw bytes of each entry are never copied into arrays of their own.
        var reader = BpfMapBatchReader.TryOpen(map, out bool more);
        if (reader is null)
        {
            foreach (var e in map.Entries())
            {
                yield return new KeyValuePair<object?, object?>(DecodeKey(map, e.Key, factory, t), DecodeValue(map, e.Value, factory, t));
            }

            yield break;
        }

        using (reader)
        {
            int keySize = reader.KeySize, valueSize = reader.ValueSize;
            // Integer keys and values (the common case) are resolved once, not per entry; anything else, and any size the
            // type does not fit, goes through the general decoder, which also reports the errors.
            var keyInt = more ? IntType(t.KeyBtf, t.KeyTypeId, keySize) : null;
            var valueInt = !more || BpfMapAccess.IsPerCpu(map.Type) ? null : IntType(t.ValueBtf, t.ValueTypeId, valueSize);
            for (; more; more = reader.Next())
            {
                for (int i = 0; i < reader.Count; i++)
                {
                    var k = reader.Keys.Slice(i * keySize, keySize);
                    var key = keyInt is not null ? BtfValueCodec.DecodeInt(keyInt, k) : Decode(t.KeyBtf, t.KeyTypeId, k, factory);
                    var v = reader.Values.Slice(i * valueSize, valueSize);
                    var value = valueInt is not null ? BtfValueCodec.DecodeInt(valueInt, v) : DecodeValue(map, v, factory, t);
                    yield return new KeyValuePair<object?, object?>(key, value);
                }
            }
        }
    }

    /// <summary>The BTF integer type of a key or value when it is one and fits <paramref name="length"/> bytes, else null.</summary>
    private static BtfInt? IntType(BtfSpec? btf, uint typeId, int length)
    {
        if (typeId == 0 || btf is null) return null;
        var i = BtfValueCodec.ResolveInt(btf, typeId, out long size);
        return i is not null && i.Size > 0 && size <= length && i.Size <= length ? i : null;
    }

    /// <summary>Encodes a key through the key type of <paramref name="types"/> (default the map's own; an integer/bytes without BTF).</summary>
    public static byte[] EncodeKey(BpfMap map, object key, BpfMapTypes? types = null)
    {
        if (key is byte[] raw && raw.Length == map.KeySize) return raw;
        var t = types ?? BpfMapTypes.Of(map);
        var k = new byte[map.KeySize];
        Encode(map, t.KeyBtf, t.KeyTypeId, key, k, "key");
        return k;
    }

    /// <summary>Decodes key bytes (structs built by <paramref name="factory"/>; <paramref name="types"/> default the map's own).</summary>
    public static object? DecodeKey(BpfMap map, byte[] key, BtfValueFactory? factory = null, BpfMapTypes? types = null)
    {
        var t = types ?? BpfMapTypes.Of(map);
        return Decode(t.KeyBtf, t.KeyTypeId, key, factory ?? BtfValueFactory.Default);
    }

    /// <summary>Decodes value bytes (per-CPU: an array with one value per CPU; structs built by <paramref name="factory"/>; <paramref name="types"/> default the map's own).</summary>
    public static object? DecodeValue(BpfMap map, byte[] value, BtfValueFactory? factory = null, BpfMapTypes? types = null)
    {
        var t = types ?? BpfMapTypes.Of(map);
        return BpfMapAccess.IsPerCpu(map.Type) ? DecodeValue(map, (ReadOnlySpan<byte>)value, factory ?? BtfValueFactory.Default, t) : Decode(t.ValueBtf, t.ValueTypeId, value, factory ?? BtfValueFactory.Default);
    }

    private static object? DecodeValue(BpfMap map, ReadOnlySpan<byte> value, BtfValueFactory factory, BpfMapTypes t)
    {
        if (!BpfMapAccess.IsPerCpu(map.Type)) return Decode(t.ValueBtf, t.ValueTypeId, value, factory);
        int slot = BpfMapAccess.PerCpuSlot(map);
        var result = new object?[value.Length / slot];
        for (int c = 0; c < result.Length; c++) result[c] = Decode(t.ValueBtf, t.ValueTypeId, value.Slice(c * slot, (int)map.ValueSize), factory);
        return result;
    }

    // Without BTF, bytes that are not an integer come back as the caller's own array, not a copy.
    private static object? Decode(BtfSpec? btf, uint typeId, byte[] bytes, BtfValueFactory factory) =>
        (typeId == 0 || btf is null) && bytes.Length is not (1 or 2 or 4 or 8) ? bytes : Decode(btf, typeId, (ReadOnlySpan<byte>)bytes, factory);

    private static object? Decode(BtfSpec? btf, uint typeId, ReadOnlySpan<byte> bytes, BtfValueFactory factory)
    {
        if (typeId != 0 && btf is not null) return BtfValueCodec.Decode(btf, typeId, bytes, factory);
        return bytes.Length switch
        {
            1 => bytes[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            8 => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            _ => bytes.ToArray(),
        };
    }

    private static void Encode(BpfMap map, BtfSpec? btf, uint typeId, object? value, Span<byte> dest, string what)
    {
        if (typeId != 0 && btf is not null)
        {
            BtfValueCodec.Encode(btf, typeId, value, dest, what);
            return;
        }

        if (value is byte[] raw)
        {
            if (raw.Length != dest.Length) throw new BpfValueException(what, $"{raw.Length} bytes given, map '{map.Name}' needs {dest.Length}");
            raw.CopyTo(dest);
            return;
        }

        ulong v;
        try
        {
            v = value switch
            {
                null => throw new BpfValueException(what, "a value is required"),
                string s => s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToUInt64(s, 16) : unchecked((ulong)Convert.ToInt64(s, System.Globalization.CultureInfo.InvariantCulture)),
                ulong u => u,
                _ => unchecked((ulong)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new BpfValueException(what, $"'{value}' is not an integer (map '{map.Name}' has no BTF type for it; pass a number or a byte[] of {dest.Length})");
        }

        switch (dest.Length)
        {
            case 1: dest[0] = (byte)v; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(dest, (ushort)v); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(dest, (uint)v); break;
            case 8: BinaryPrimitives.WriteUInt64LittleEndian(dest, v); break;
            default: throw new BpfValueException(what, $"map '{map.Name}' has no BTF type for its {dest.Length}-byte {what}s; pass a byte[]");
        }
    }
}
