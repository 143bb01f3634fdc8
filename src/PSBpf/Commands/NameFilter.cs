using System.Management.Automation;

namespace PSBpf.Commands;

/// <summary>
/// The -Name filter of the Get-Bpf* cmdlets: wildcard patterns, plus a record of which literal names (no wildcard)
/// matched nothing, so the cmdlet can report those as not found, as Get-Process and Get-Service do.
/// </summary>
internal sealed class NameFilter
{
    private readonly List<(string Name, WildcardPattern Pattern, bool Literal)> _patterns = [];
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);

    public NameFilter(string[]? names)
    {
        foreach (var name in names ?? [])
        {
            _patterns.Add((name, WildcardPattern.Get(name, WildcardOptions.IgnoreCase), !WildcardPattern.ContainsWildcardCharacters(name)));
        }
    }

    /// <summary>True when <paramref name="name"/> passes (always, without -Name).</summary>
    public bool IsMatch(string name)
    {
        if (_patterns.Count == 0) return true;
        bool any = false;
        foreach (var (n, pattern, _) in _patterns)
        {
            if (!pattern.IsMatch(name)) continue;
            any = true;
            _matched.Add(n);
        }

        return any;
    }

    /// <summary>Literal names that matched nothing so far.</summary>
    public IEnumerable<string> Unmatched => _patterns.Where(p => p.Literal && !_matched.Contains(p.Name)).Select(p => p.Name);
}
