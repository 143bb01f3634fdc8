using System.Globalization;

namespace PSBpf.Engine.Loader;

/// <summary>/proc/kallsyms: kernel symbol addresses for typeless __ksym externs (needs root to see real addresses).</summary>
internal static class Kallsyms
{
    private const string Path = "/proc/kallsyms";

    /// <summary>Addresses of the requested names (first match; module symbols included).</summary>
    public static Dictionary<string, ulong> Lookup(IReadOnlyCollection<string> names)
    {
        var wanted = new HashSet<string>(names, StringComparer.Ordinal);
        var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (wanted.Count == 0) return found;
        foreach (var line in File.ReadLines(Path))
        {
            if (Parse(line) is not { } sym || !wanted.Remove(sym.Name)) continue;
            if (ulong.TryParse(line.AsSpan(0, sym.AddressLength), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var addr))
            {
                found[sym.Name] = addr;
                if (wanted.Count == 0) break;
            }
        }

        return found;
    }

    /// <summary>The names of the text (function) symbols, T or t, module symbols included.</summary>
    public static IEnumerable<string> TextSymbols()
    {
        foreach (var line in File.ReadLines(Path))
        {
            if (Parse(line) is { Type: 'T' or 't' } sym) yield return sym.Name;
        }
    }

    // "ffffffff81000000 T _stext" or "... t name\t[module]"
    private static (string Name, char Type, int AddressLength)? Parse(string line)
    {
        int s1 = line.IndexOf(' ', StringComparison.Ordinal);
        int s2 = s1 < 0 ? -1 : line.IndexOf(' ', s1 + 1);
        if (s2 < 0 || s2 != s1 + 2) return null;
        int end = line.IndexOf('\t', s2 + 1);
        return (end < 0 ? line[(s2 + 1)..] : line[(s2 + 1)..end], line[s1 + 1], s1);
    }
}
