namespace PSBpf.Module.Tests;

/// <summary>PSBpf.psd1 against the built module.</summary>
public sealed class ManifestTests
{
    private static readonly ManifestFile Manifest = new(TestPaths.Manifest);

    [Fact]
    public void CmdletsToExport_is_exactly_the_set_of_cmdlets_in_the_assembly()
    {
        var exported = Manifest.List("CmdletsToExport");
        Assert.NotNull(exported);
        var defined = ModuleMetadata.Instance.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(defined, exported!.Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void Nothing_else_is_exported_and_no_wildcards_are_used(string key)
    {
        Assert.Equal([], Manifest.List(key));
    }

    [Fact]
    public void Root_module_and_version_match_the_assembly()
    {
        Assert.Equal("PSBpf.dll", Manifest.Scalar("RootModule"));
        Assert.Equal(Path.GetFileName(TestPaths.ModuleAssembly), Manifest.Scalar("RootModule"));
        var version = ModuleMetadata.Instance.Module.GetName().Version!;
        Assert.Equal($"{version.Major}.{version.Minor}.{version.Build}", Manifest.Scalar("ModuleVersion"));
    }

    [Fact]
    public void Guid_edition_and_PowerShell_version_are_set()
    {
        Assert.True(Guid.TryParse(Manifest.Scalar("GUID"), out var guid) && guid != Guid.Empty);
        Assert.Equal("7.6", Manifest.Scalar("PowerShellVersion"));
        Assert.Equal(["Core"], Manifest.List("CompatiblePSEditions"));
    }

    [Fact]
    public void Format_files_and_required_assemblies_exist()
    {
        var formats = Manifest.List("FormatsToProcess");
        Assert.Equal(["PSBpf.format.ps1xml"], formats);
        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, formats![0])));
        foreach (var assembly in Manifest.List("RequiredAssemblies") ?? [])
        {
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, assembly)), $"{assembly} is not a build output");
        }
    }

    [Fact]
    public void Gallery_tags_are_set()
    {
        var tags = Manifest.List("Tags");
        Assert.NotNull(tags);
        Assert.Contains("eBPF", tags!);
        Assert.Contains("Linux", tags!);
        Assert.All(tags!, t => Assert.DoesNotContain(' ', t));
    }
}
