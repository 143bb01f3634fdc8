using System.Text.RegularExpressions;

namespace PSBpf.Engine;

/// <summary>
/// Which trace records Receive-BpfTraceLog keeps: bpf_printk output only, records of given processes (a record carries the
/// thread id; its process is the Tgid column or, without it, /proc/&lt;tid&gt;/status), messages matching a pattern.
/// </summary>
public sealed class BpfTraceFilter
{
    private const int MaxCachedThreads = 4096;
    private readonly HashSet<int>? _processIds;
    private readonly Regex? _match;
    private readonly Func<int, int?> _processOf;
    private readonly Dictionary<int, int?> _cache = [];

    /// <summary>Creates a filter; null or empty arguments do not filter.</summary>
    /// <param name="processIds">Process (or thread) ids to keep.</param>
    /// <param name="match">Regular expression (case-insensitive) the message must match.</param>
    /// <param name="bpfPrintkOnly">Keep only bpf_trace_printk records.</param>
    /// <param name="processOf">Thread id to process id (default <see cref="ThreadGroup.Of"/>); tests pass their own.</param>
    /// <exception cref="ArgumentException"><paramref name="match"/> is not a valid regular expression.</exception>
    public BpfTraceFilter(IEnumerable<int>? processIds = null, string? match = null, bool bpfPrintkOnly = false, Func<int, int?>? processOf = null)
    {
        if (processIds?.ToHashSet() is { Count: > 0 } ids) _processIds = ids;
        if (!string.IsNullOrEmpty(match)) _match = new Regex(match, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        BpfPrintkOnly = bpfPrintkOnly;
        _processOf = processOf ?? ThreadGroup.Of;
    }

    /// <summary>True when only bpf_printk output is kept.</summary>
    public bool BpfPrintkOnly { get; }

    /// <summary>True when <paramref name="record"/> passes every condition.</summary>
    public bool IsMatch(BpfTraceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (BpfPrintkOnly && !record.IsBpfPrintk) return false;
        if (_match is not null && !_match.IsMatch(record.Message)) return false;
        if (_processIds is null || _processIds.Contains(record.Pid)) return true;
        return (record.Tgid ?? ProcessOf(record.Pid)) is { } process && _processIds.Contains(process);
    }

    // a busy trace repeats the same threads; the cache is bounded so a long -Wait does not grow without limit
    private int? ProcessOf(int threadId)
    {
        if (_cache.TryGetValue(threadId, out var process)) return process;
        process = _processOf(threadId);
        if (_cache.Count >= MaxCachedThreads) _cache.Clear();
        _cache[threadId] = process;
        return process;
    }
}
