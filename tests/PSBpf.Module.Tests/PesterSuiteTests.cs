using System.Reflection;
using System.Text.RegularExpressions;
using PSBpf.Errors;

namespace PSBpf.Module.Tests;

/// <summary>The Pester suite cannot run here (no pwsh); check statically that it refers to things that exist.</summary>
public sealed partial class PesterSuiteTests
{
    private static readonly string[] Suites = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests"), "*.Tests.ps1");

    [Fact]
    public void Every_cmdlet_has_a_Pester_suite()
    {
        foreach (var c in ModuleMetadata.Instance.Cmdlets)
        {
            Assert.Contains(Suites, s => Path.GetFileName(s) == c.Name + ".Tests.ps1");
        }
    }

    [Fact]
    public void Error_ids_the_suites_expect_exist_and_name_real_cmdlet_classes()
    {
        var ids = typeof(BpfErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var classes = ModuleMetadata.Instance.Cmdlets.Select(c => c.Type.FullName!).ToHashSet(StringComparer.Ordinal);
        int seen = 0;
        foreach (var suite in Suites)
        {
            foreach (Match m in ErrorIdRegex().Matches(File.ReadAllText(suite)))
            {
                seen++;
                var parts = m.Groups[1].Value.Split(',');
                Assert.Contains(parts[0], ids);
                if (parts.Length > 1)
                {
                    Assert.Contains(parts[1], classes);
                }
            }
        }

        Assert.True(seen > 0);
    }

    [Fact]
    public void Suites_use_Pester_5_syntax()
    {
        foreach (var suite in Suites)
        {
            var text = File.ReadAllText(suite);
            Assert.Contains("BeforeAll", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\bShould\s+(Be|Throw|BeNullOrEmpty|Match)\b", text); // Pester 5 needs the dash: Should -Be
        }
    }

    [GeneratedRegex(@"-ErrorId\s+'([^']+)'")]
    private static partial Regex ErrorIdRegex();
}
