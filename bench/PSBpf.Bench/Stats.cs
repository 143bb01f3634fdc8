namespace PSBpf.Bench;

/// <summary>
/// Summary statistics over per-iteration samples in nanoseconds. The definitions match
/// bench/btf_parse_bench.c exactly: median is the mean of the two middle samples for an even
/// count, p90 is nearest-rank (the ceil(0.9 n)-th smallest sample).
/// </summary>
internal sealed record Stats(int Count, double MedianNs, double MeanNs, long MinNs, long P90Ns, long MaxNs)
{
    public static Stats Of(IReadOnlyCollection<long> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples", nameof(samples));
        var s = samples.ToArray();
        Array.Sort(s);
        int n = s.Length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + (double)s[n / 2]) / 2.0;
        int rank = Math.Max(1, (int)((9L * n + 9) / 10)); // ceil(0.9 n)
        double mean = 0;
        foreach (long x in s) mean += x;
        return new Stats(n, median, mean / n, s[0], s[rank - 1], s[n - 1]);
    }

    /// <summary>Nanoseconds as milliseconds (≥ 1 ms) or microseconds, for the table.</summary>
    public static string Format(double ns) =>
        ns >= 1_000_000 ? $"{ns / 1_000_000:0.000} ms" : $"{ns / 1_000:0.0} µs";
}
