using System.Globalization;

namespace PSBpf.Engine.Loader;

/// <summary>/proc/kallsyms: kernel symbol addresses for typeless __ksym externs (needs root to see real addresses).</summary>
internal static class Kallsyms
{
    /// <summary>Addresses of the requested names (first match; module symbols included).</summary>
    public static Dictionary<string, ulong> Lookup(IReadOnlyCollection<string> names)
    {
        var wanted = new HashSet<string>(names, StringComparer.Ordinal);
        var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (wanted.Count == 0) return found;
        foreach (var line in File.ReadLines("/proc/kallsyms"))
        {
            // "ffffffff81000000 T _stext" or "... t name\t[module]"
            int s1 = line.IndexOf(' ', StringComparison.Ordinal);
            int s2 = s1 < 0 ? -1 : line.IndexOf(' ', s1 + 1);
            if (s2 < 0) continue;
            int end = line.IndexOf('\t', s2 + 1);
            var name = end < 0 ? line[(s2 + 1)..] : line[(s2 + 1)..end];
            if (wanted.Remove(name) && ulong.TryParse(line.AsSpan(0, s1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var addr))
            {
                found[name] = addr;
                if (wanted.Count == 0) break;
            }
        }

        return found;
    }
}
