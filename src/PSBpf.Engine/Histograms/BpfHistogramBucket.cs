namespace PSBpf.Engine;

/// <summary>One bucket of a <see cref="BpfHistogram"/>: the values it holds and how many there were. Plain data.</summary>
public sealed class BpfHistogramBucket
{
    /// <summary>The bucket's index (the slot in the map).</summary>
    public int Index { get; init; }
    /// <summary>The smallest value the bucket holds.</summary>
    public ulong Low { get; init; }
    /// <summary>The largest value the bucket holds.</summary>
    public ulong High { get; init; }
    /// <summary>How many values fell into the bucket.</summary>
    public ulong Count { get; init; }
    /// <summary>Count relative to the histogram's largest bucket (0 to 1): the length of the bucket's bar.</summary>
    public double Fraction { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Low} -> {High} : {Count}";
}
