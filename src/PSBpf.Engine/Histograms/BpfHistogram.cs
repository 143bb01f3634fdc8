namespace PSBpf.Engine;

/// <summary>
/// A histogram of counts, as BPF tools keep them in maps (one counter per bucket: an array map of u64, or libbpf-tools'
/// <c>struct hist { __u32 slots[N]; }</c> per key), with the text layout of libbpf-tools' print_log2_hist and
/// print_linear_hist (<see cref="ToLines"/>). Plain data: kind, unit, key and buckets serialize as they are.
/// </summary>
public sealed class BpfHistogram
{
    /// <summary>Most buckets a log2 histogram can have: bucket 63 already ends at 2^64 - 1.</summary>
    public const int MaxLog2Buckets = 64;

    private BpfHistogram(BpfHistogramKind kind, IReadOnlyList<ulong> counts, ulong @base, ulong step, string unit, object? key, string? label)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(unit);
        Kind = kind;
        Base = @base;
        Step = step;
        Unit = unit;
        Key = key;
        Label = label;
        ulong max = 0, total = 0;
        foreach (var c in counts)
        {
            max = Math.Max(max, c);
            total = total + c >= total ? total + c : throw new ArgumentException("the counts add up to more than 2^64 - 1", nameof(counts));
        }

        MaxCount = max;
        TotalCount = total;
        var buckets = new BpfHistogramBucket[counts.Count];
        for (int i = 0; i < buckets.Length; i++)
        {
            var (low, high) = Range(i);
            buckets[i] = new BpfHistogramBucket { Index = i, Low = low, High = high, Count = counts[i], Fraction = max == 0 ? 0 : (double)counts[i] / max };
        }

        Buckets = buckets;
    }

    /// <summary>A log2 histogram: bucket i counts the values whose log2 is i (bucket 0 also holds 0).</summary>
    /// <param name="counts">One count per bucket, from bucket 0; at most <see cref="MaxLog2Buckets"/>.</param>
    /// <param name="unit">What the values are (usecs, bytes, …): the header of the range column.</param>
    /// <param name="key">The map key the histogram belongs to (per-key histograms), or null.</param>
    /// <param name="label">The section header written above it ("pid = 123"), or null for none.</param>
    public static BpfHistogram Log2(IReadOnlyList<ulong> counts, string unit = "value", object? key = null, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count > MaxLog2Buckets)
            throw new ArgumentException($"a log2 histogram has at most {MaxLog2Buckets} buckets (bucket 63 ends at 2^64 - 1), not {counts.Count}", nameof(counts));
        return new BpfHistogram(BpfHistogramKind.Log2, counts, 0, 0, unit, key, label);
    }

    /// <summary>A linear histogram: bucket i counts the values from <paramref name="base"/> + i * <paramref name="step"/> on.</summary>
    /// <param name="counts">One count per bucket, from bucket 0.</param>
    /// <param name="base">The first bucket's lowest value.</param>
    /// <param name="step">The width of a bucket (at least 1).</param>
    /// <param name="unit">What the values are: the header of the value column.</param>
    /// <param name="key">The map key the histogram belongs to, or null.</param>
    /// <param name="label">The section header written above it, or null for none.</param>
    public static BpfHistogram Linear(IReadOnlyList<ulong> counts, ulong @base, ulong step, string unit = "value", object? key = null, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfZero(step);
        if (counts.Count > 0 && (UInt128)@base + (UInt128)step * (ulong)counts.Count - 1 > ulong.MaxValue)
            throw new ArgumentException($"{counts.Count} buckets of {step} from {@base} go past 2^64 - 1", nameof(counts));
        return new BpfHistogram(BpfHistogramKind.Linear, counts, @base, step, unit, key, label);
    }

    /// <summary>Log2 or linear.</summary>
    public BpfHistogramKind Kind { get; }
    /// <summary>What the values are (usecs, bytes, …), as libbpf-tools' val_type.</summary>
    public string Unit { get; }
    /// <summary>The map key this histogram belongs to (one histogram per key), or null for a histogram of a whole map.</summary>
    public object? Key { get; }
    /// <summary>The section header above the histogram ("pid = 123"), or null.</summary>
    public string? Label { get; }
    /// <summary>Linear histograms: the first bucket's lowest value.</summary>
    public ulong Base { get; }
    /// <summary>Linear histograms: the width of a bucket; 0 for log2.</summary>
    public ulong Step { get; }
    /// <summary>Every bucket, empty ones included, from bucket 0.</summary>
    public BpfHistogramBucket[] Buckets { get; }
    /// <summary>The sum of all counts.</summary>
    public ulong TotalCount { get; }
    /// <summary>The largest count (the full-length bar).</summary>
    public ulong MaxCount { get; }

    /// <summary>The drawn histogram (<see cref="ToLines"/> joined by newlines), as the default view shows it.</summary>
    public string Text => ToString();

    /// <summary>
    /// The histogram as libbpf-tools prints it (print_log2_hist, print_linear_hist), after the <see cref="Label"/>
    /// line when there is one; no histogram lines when every bucket is empty.
    /// </summary>
    public string[] ToLines() => BpfHistogramText.LibbpfTools(this);

    /// <summary>The lines of <see cref="ToLines"/>, joined by newlines.</summary>
    public override string ToString() => string.Join('\n', ToLines());

    private (ulong Low, ulong High) Range(int i)
    {
        if (Kind == BpfHistogramKind.Linear)
        {
            ulong low = Base + Step * (ulong)i;
            return (low, low + (Step - 1));
        }

        if (i == 0) return (0, 1);
        return (1UL << i, i == 63 ? ulong.MaxValue : (1UL << (i + 1)) - 1);
    }
}
