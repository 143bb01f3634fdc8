using System.Text.RegularExpressions;

namespace PSBpf.Module.Tests;

/// <summary>
/// Reads the top-level entries of PSBpf.psd1 that the checks need. Not a PowerShell parser: it understands
/// <c>Key = 'value'</c> and <c>Key = @('a', 'b')</c> (possibly over several lines), which is how the manifest is written.
/// </summary>
internal sealed partial class ManifestFile
{
    private readonly string _text;

    public ManifestFile(string path)
    {
        // Drop comments (no '#' appears inside the manifest's strings).
        _text = string.Join('\n', File.ReadAllLines(path).Select(l => l.Contains('#', StringComparison.Ordinal) ? l[..l.IndexOf('#', StringComparison.Ordinal)] : l));
    }

    public string? Scalar(string key)
    {
        var m = Regex.Match(_text, $@"^\s*{Regex.Escape(key)}\s*=\s*'([^']*)'", RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : null;
    }

    public IReadOnlyList<string>? List(string key)
    {
        var m = Regex.Match(_text, $@"^\s*{Regex.Escape(key)}\s*=\s*@\(([^)]*)\)", RegexOptions.Multiline);
        if (!m.Success) return null;
        return QuotedRegex().Matches(m.Groups[1].Value).Select(q => q.Groups[1].Value).ToList();
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedRegex();
}
