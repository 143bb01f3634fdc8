using System.Text.RegularExpressions;

namespace PSBpf.Module.Tests;

/// <summary>docs/architecture.md names files and members by path; each must exist, so the page cannot go stale unnoticed.</summary>
public sealed partial class ArchitectureDocTests
{
    [GeneratedRegex(@"`((?:src|tests|docs|tools|bench|scripts)/[^`*<>]+|[A-Za-z.]+\.(?:ps1|psd1|ps1xml))`(?: \(`(\w+)`\))?")]
    private static partial Regex PathReference();

    [Fact]
    public void Every_path_and_member_the_page_names_exists()
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.Docs, "architecture.md"));
        var references = PathReference().Matches(text).ToList();
        Assert.True(references.Count > 40, $"only {references.Count} paths found");
        foreach (Match m in references)
        {
            string path = Path.Combine(TestPaths.RepoRoot, m.Groups[1].Value);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"docs/architecture.md names {m.Groups[1].Value}, which does not exist");
            if (m.Groups[2].Success)
            {
                Assert.Contains(m.Groups[2].Value, File.ReadAllText(path), StringComparison.Ordinal);
            }
        }
    }
}
