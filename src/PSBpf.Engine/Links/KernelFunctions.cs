namespace PSBpf.Engine;

/// <summary>
/// The kernel functions a kprobe.multi pattern names, as libbpf resolves them: the functions ftrace can probe
/// (tracefs available_filter_functions), or the text symbols of /proc/kallsyms where that list cannot be read.
/// </summary>
internal static class KernelFunctions
{
    private const string FilterFunctions = "/sys/kernel/tracing/available_filter_functions";
    private const string Kallsyms = "/proc/kallsyms";

    /// <summary>The distinct function names matching <paramref name="pattern"/>; a pattern without wildcards names itself.</summary>
    public static IReadOnlyList<string> Matching(string pattern)
    {
        if (!SymbolGlob.HasWildcard(pattern)) return [pattern];
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in Candidates())
        {
            if (SymbolGlob.Matches(pattern, name)) found.Add(name);
        }

        return [.. found];
    }

    private static IEnumerable<string> Candidates()
    {
        List<string>? names = null;
        try
        {
            if (File.Exists(FilterFunctions)) names = ReadFilterFunctions();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            names = null; // tracefs unreadable here: kallsyms has the same names, less filtered
        }

        return names ?? Loader.Kallsyms.TextSymbols();
    }

    // "name [module]" per line; an empty list (a kernel without the function tracer's entries) falls back to kallsyms
    private static List<string>? ReadFilterFunctions()
    {
        var names = new List<string>();
        foreach (var line in File.ReadLines(FilterFunctions))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            names.Add(space < 0 ? line : line[..space]);
        }

        return names.Count == 0 ? null : names;
    }
}
