namespace PSBpf.Engine;

/// <summary>Draining queue and stack maps.</summary>
public static partial class BpfMapAccess
{
    /// <summary>
    /// Pops values until the queue or stack is empty (or <paramref name="max"/> were taken), one at a time, so a consumer
    /// that stops early leaves the rest in the map. Values pushed meanwhile by programs are drained too.
    /// </summary>
    public static IEnumerable<byte[]> Drain(this BpfMap map, int max = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (!IsQueueOrStack(map.Type)) throw new InvalidOperationException($"map '{map.Name}' is a {map.Type}; drain is for queue and stack maps");
        for (int n = 0; n < max; n++)
        {
            if (map.Pop() is not { } value) yield break;
            yield return value;
        }
    }
}
