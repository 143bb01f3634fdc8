namespace PSBpf.Engine;

/// <summary>Queue and stack maps in values: push, peek, pop and drain through the value's BTF type.</summary>
public static partial class BpfMapValues
{
    /// <summary>The decoded value a pop would return, left in place; null when the queue or stack is empty.</summary>
    public static object? PeekValue(this BpfMap map, BpfMapTypes? types = null) => map.Peek() is { } raw ? DecodeValue(map, raw, null, types) : null;

    /// <summary>Takes the next value (queue: oldest, stack: newest) and decodes it; null when empty.</summary>
    public static object? PopValue(this BpfMap map, BpfMapTypes? types = null) => map.Pop() is { } raw ? DecodeValue(map, raw, null, types) : null;

    /// <summary>Encodes <paramref name="value"/> and pushes it (<see cref="BpfUpdateFlags.Exist"/>: replace the oldest when full).</summary>
    public static void PushValue(this BpfMap map, object? value, BpfUpdateFlags flags = BpfUpdateFlags.Any, BpfMapTypes? types = null)
    {
        var t = types ?? BpfMapTypes.Of(map);
        if (!BpfMapAccess.IsQueueOrStack(map.Type)) throw new InvalidOperationException($"map '{map.Name}' is a {map.Type}; push is for queue and stack maps (give a key to update it)");
        var v = new byte[map.ValueSize];
        Encode(map, t.ValueBtf, t.ValueTypeId, value, v, "value");
        map.Push(v, flags);
    }
}
