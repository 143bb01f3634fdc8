using System.Globalization;
using System.Text;

namespace PSBpf.Engine;

/// <summary>
/// The text layout of libbpf-tools' histograms (bcc's libbpf-tools/trace_helpers.c). Log2: a header with the unit,
/// one line per bucket from bucket 0 to the last non-empty one, ranges right- and left-aligned in 10 columns (20 when
/// buckets past 32 are in use, which also halves the bars to 20 stars), counts left-aligned in 8 columns (wider counts
/// push the bar right), bars of 40 stars scaled to the largest count. Linear: only the non-empty buckets, by their
/// lowest value. Counts are 64-bit here (libbpf-tools' are 32-bit), and bars are computed without overflow.
/// </summary>
internal static class BpfHistogramText
{
    private const int Stars = 40;

    public static string[] LibbpfTools(BpfHistogram h)
    {
        var lines = new List<string>();
        if (h.Label is not null) lines.Add(h.Label);
        int first = -1, last = -1;
        foreach (var b in h.Buckets)
        {
            if (b.Count == 0) continue;
            if (first < 0) first = b.Index;
            last = b.Index;
        }

        if (last < 0) return [.. lines];
        if (h.Kind == BpfHistogramKind.Log2) Log2(h, last, lines);
        else Linear(h, first, last, lines);
        return [.. lines];
    }

    private static void Log2(BpfHistogram h, int last, List<string> lines)
    {
        bool wide = last > 32;
        int rangeWidth = wide ? 20 : 10, bar = wide ? Stars / 2 : Stars;
        lines.Add(new string(' ', wide ? 15 : 5) + h.Unit.PadRight(wide ? 29 : 19) + " : count    distribution");
        for (int i = 0; i <= last; i++)
        {
            var b = h.Buckets[i];
            var line = new StringBuilder();
            line.Append(Text(b.Low).PadLeft(rangeWidth)).Append(" -> ").Append(Text(b.High).PadRight(rangeWidth))
                .Append(" : ").Append(Text(b.Count).PadRight(8)).Append(" |");
            AppendBar(line, b.Count, h.MaxCount, bar);
            lines.Add(line.Append('|').ToString());
        }
    }

    private static void Linear(BpfHistogram h, int first, int last, List<string> lines)
    {
        lines.Add("     " + h.Unit.PadRight(13) + " : count     distribution");
        for (int i = first; i <= last; i++)
        {
            var b = h.Buckets[i];
            if (b.Count == 0) continue; // libbpf-tools leaves out empty buckets between the first and last
            var line = new StringBuilder("        ");
            line.Append(Text(b.Low).PadRight(10)).Append(" : ").Append(Text(b.Count).PadRight(8)).Append(" |");
            AppendBar(line, b.Count, h.MaxCount, Stars);
            lines.Add(line.Append('|').ToString());
        }
    }

    private static void AppendBar(StringBuilder line, ulong count, ulong max, int width)
    {
        // 128-bit: count * width overflows 64 bits for counts past 2^58
        int stars = (int)((UInt128)Math.Min(count, max) * (uint)width / max);
        line.Append('*', stars).Append(' ', width - stars);
    }

    private static string Text(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
