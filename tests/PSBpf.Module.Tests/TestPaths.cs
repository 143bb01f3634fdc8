using System.Reflection;

namespace PSBpf.Module.Tests;

/// <summary>Where the repository, the built module and the fixtures are.</summary>
internal static class TestPaths
{
    public static string RepoRoot => Metadata("RepoRoot");

    /// <summary>PowerShellStandard.Library's reference System.Management.Automation.dll (reflection-only use).</summary>
    public static string SystemManagementAutomation => Metadata("SystemManagementAutomationPath");

    /// <summary>PSBpf.dll as built (copied next to the tests by the project reference).</summary>
    public static string ModuleAssembly => Path.Combine(AppContext.BaseDirectory, "PSBpf.dll");

    public static string EngineAssembly => Path.Combine(AppContext.BaseDirectory, "PSBpf.Engine.dll");

    public static string Manifest => Path.Combine(RepoRoot, "PSBpf.psd1");

    public static string FormatFile => Path.Combine(RepoRoot, "PSBpf.format.ps1xml");

    public static string Docs => Path.Combine(RepoRoot, "docs");

    /// <summary>A BPF object built by tests/fixtures/Makefile (the engine tests' build runs it first).</summary>
    public static string Fixture(string name)
    {
        var path = Path.Combine(RepoRoot, "tests", "fixtures", "build", name);
        Assert.True(File.Exists(path), $"fixture {path} is missing: build tests/PSBpf.Engine.Tests (it runs make -C tests/fixtures)");
        return path;
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"assembly metadata {key} is not set");
}
