using System.Globalization;
using System.Text.RegularExpressions;

namespace PSBpf.Engine;

/// <summary>
/// Parses trace_pipe lines in the kernel's default output format:
/// <c>"           &lt;comm&gt;-&lt;pid&gt;     [&lt;cpu&gt;] &lt;flags&gt; &lt;secs.usecs&gt;: &lt;function&gt;: &lt;message&gt;"</c>,
/// with the flags column only when the irq-info option is on and a "(&lt;tgid&gt;)" column when record-tgid is on.
/// </summary>
public static partial class BpfTraceLineParser
{
    /// <summary>
    /// The record of one line, or null for lines that are not events ("CPU:1 [LOST 20 EVENTS]", a blank line).
    /// <paramref name="toTime"/> turns the timestamp (seconds) into wall-clock time; null leaves Time empty.
    /// </summary>
    public static BpfTraceRecord? Parse(string line, Func<double, DateTime?>? toTime = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        var m = Line().Match(line.TrimEnd('\n', '\r'));
        if (!m.Success) return null;
        // Seconds as printed: "12345.678901" for the time clocks, a bare counter for counter/x86-tsc
        // a line that matches the shape but not the ranges (a pid or cpu too long to be one) is no event either
        if (!double.TryParse(m.Groups["ts"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double ts)
            || !int.TryParse(m.Groups["pid"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid)
            || !int.TryParse(m.Groups["cpu"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int cpu))
        {
            return null;
        }

        return new BpfTraceRecord
        {
            Comm = m.Groups["comm"].Value,
            Pid = pid,
            Tgid = m.Groups["tgid"].Success && int.TryParse(m.Groups["tgid"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var tgid) ? tgid : null,
            Cpu = cpu,
            Flags = m.Groups["flags"].Success ? m.Groups["flags"].Value : null,
            Timestamp = ts,
            Time = toTime?.Invoke(ts),
            Function = m.Groups["func"].Value,
            Message = m.Groups["msg"].Value,
        };
    }

    // comm is at most 15 characters ("<...>" when unknown) and right-aligned in a 16-wide column; it may hold spaces and
    // dashes, so it is the longest text before the "-<pid> ... [<cpu>]" that follows it (greedy, bounded).
    [GeneratedRegex(@"^\s*(?<comm>.{1,16})-(?<pid>\d+)\s+(?:\(\s*(?<tgid>-+|\d+)\)\s+)?\[(?<cpu>\d+)\]\s+(?:(?<flags>[^\s\d][^\s]{2,5})\s+)?(?<ts>\d+(?:\.\d+)?):\s(?<func>[^:\s]+):\s?(?<msg>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Line();
}
