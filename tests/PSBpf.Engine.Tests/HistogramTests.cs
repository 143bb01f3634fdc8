namespace PSBpf.Engine.Tests;

/// <summary>
/// <see cref="BpfHistogram"/>: bucket ranges, and the text against tests/oracle/histogram.c (hist_oracle), which prints
/// libbpf-tools' print_log2_hist/print_linear_hist layout for the same counts. The Pester suite
/// (ConvertTo-BpfHistogram.Tests.ps1) compares the cmdlet's view with it for more count sets.
/// </summary>
public sealed class HistogramTests
{
    private static string[] OracleLines(params string[] args)
    {
        var (code, stdout, stderr) = Sh.Capture(Path.Combine(Fixtures.BuildDir, "hist_oracle"), args);
        Assert.True(code == 0, stderr);
        return stdout.Length == 0 ? [] : stdout.TrimEnd('\n').Split('\n');
    }

    private static string[] Args(IEnumerable<ulong> counts) => counts.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Theory]
    [InlineData(new ulong[] { 0, 0, 5 })]
    [InlineData(new ulong[] { 3, 0, 0, 9, 0, 1 })]
    [InlineData(new ulong[] { 1, 4_000_000_000, 123_456_789_012, 0, 7 })]
    [InlineData(new ulong[] { 0, 0, 0 })]
    public void Log2_text_is_libbpf_tools_layout(ulong[] counts)
    {
        var h = BpfHistogram.Log2(counts, "usecs");
        Assert.Equal(OracleLines(["log2", "usecs", .. Args(counts)]), h.ToLines());
    }

    [Fact]
    public void Sixty_four_buckets_use_the_wide_layout_and_end_at_2_to_the_64()
    {
        var counts = Enumerable.Range(1, 64).Select(i => (ulong)i).ToArray();
        var h = BpfHistogram.Log2(counts, "nsecs");
        Assert.Equal(OracleLines(["log2", "nsecs", .. Args(counts)]), h.ToLines());
        Assert.Equal((0UL, 1UL), (h.Buckets[0].Low, h.Buckets[0].High));
        Assert.Equal((1UL << 63, ulong.MaxValue), (h.Buckets[63].Low, h.Buckets[63].High));
        Assert.Throws<ArgumentException>(() => BpfHistogram.Log2(new ulong[65]));
    }

    [Fact]
    public void Linear_text_leaves_out_empty_buckets_and_a_label_heads_the_section()
    {
        ulong[] counts = [0, 2, 0, 0, 5, 1];
        var h = BpfHistogram.Linear(counts, 100, 25, "msecs", key: 7, label: "pid = 7");
        Assert.Equal(OracleLines(["linear", "msecs", "100", "25", .. Args(counts), "--label", "pid = 7"]), h.ToLines());
        Assert.Equal((125UL, 149UL), (h.Buckets[1].Low, h.Buckets[1].High));
        Assert.Equal(8UL, h.TotalCount);
        Assert.Equal(1.0, h.Buckets[4].Fraction);
        Assert.Throws<ArgumentOutOfRangeException>(() => BpfHistogram.Linear(counts, 0, 0));
        Assert.Throws<ArgumentException>(() => BpfHistogram.Linear(counts, ulong.MaxValue - 10, 5));
        Assert.Throws<ArgumentException>(() => BpfHistogram.Log2([ulong.MaxValue, 1]));
    }
}
