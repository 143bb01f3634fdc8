using System.Globalization;
using System.Text.RegularExpressions;

namespace PSBpf.Engine;

/// <summary>The statistics lines a verifier log ends with at log level 4 (BPF_LOG_STATS), parsed.</summary>
internal sealed partial record VerifierStats(uint? Processed, uint? TotalStates, uint? PeakStates, TimeSpan? Time, IReadOnlyList<int> StackDepths)
{
    /// <summary>
    /// Reads "verification time 12 usec", "stack depth 8+0" and
    /// "processed 6 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0".
    /// The last occurrence wins: a log with instruction tracing can quote such text earlier.
    /// </summary>
    public static VerifierStats Parse(string? log)
    {
        uint? processed = null, total = null, peak = null;
        TimeSpan? time = null;
        IReadOnlyList<int> depths = [];
        foreach (var raw in (log ?? string.Empty).Split('\n'))
        {
            var line = raw.Trim();
            if (ProcessedLine().Match(line) is { Success: true } p)
            {
                processed = Number(p.Groups["n"].Value);
                total = OptionalNumber(TotalStatesField().Match(line));
                peak = OptionalNumber(PeakStatesField().Match(line));
            }
            else if (TimeLine().Match(line) is { Success: true } t && Number(t.Groups["n"].Value) is { } us)
            {
                time = TimeSpan.FromTicks(us * (TimeSpan.TicksPerMillisecond / 1000));
            }
            else if (StackLine().Match(line) is { Success: true } s)
            {
                depths = s.Groups["d"].Value.Split('+').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
            }
        }

        return new VerifierStats(processed, total, peak, time, depths);
    }

    private static uint? OptionalNumber(Match m) => m.Success ? Number(m.Groups["n"].Value) : null;

    private static uint? Number(string s) => uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    [GeneratedRegex(@"^processed (?<n>\d+) insns")]
    private static partial Regex ProcessedLine();

    [GeneratedRegex(@"\btotal_states (?<n>\d+)")]
    private static partial Regex TotalStatesField();

    [GeneratedRegex(@"\bpeak_states (?<n>\d+)")]
    private static partial Regex PeakStatesField();

    [GeneratedRegex(@"^verification time (?<n>\d+) usec$")]
    private static partial Regex TimeLine();

    [GeneratedRegex(@"^stack depth (?<d>\d+(\+\d+)*)$")]
    private static partial Regex StackLine();
}
