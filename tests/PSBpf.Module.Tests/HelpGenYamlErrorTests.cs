using PSBpf.HelpGen;

namespace PSBpf.Module.Tests;

/// <summary>HelpGen reads YAML with YamlDotNet: a page whose YAML is not a mapping is reported with the file and line.</summary>
public sealed class HelpGenYamlErrorTests
{
    [Fact]
    public void Broken_front_matter_names_the_file_and_the_line()
    {
        const string Page = "---\nexternal help file: PSBpf.dll-Help.xml\nModule Name: [PSBpf\n---\n\n# Get-BpfThing\n";
        var e = Assert.Throws<HelpFormatException>(() => CommandHelpParser.Parse(Page, "Get-BpfThing.md"));
        Assert.Equal("Get-BpfThing.md", e.FileName);
        Assert.Equal(3, e.Line);
        Assert.Contains("invalid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_yaml_block_that_is_no_mapping_names_the_parameter_heading()
    {
        var page = File.ReadAllText(Path.Combine(TestPaths.Docs, "Remove-BpfObject.md"));
        int at = page.IndexOf("Accept wildcard characters: False", StringComparison.Ordinal);
        var broken = page[..at] + "Accept wildcard characters: [False" + page[(at + "Accept wildcard characters: False".Length)..];
        var e = Assert.Throws<HelpFormatException>(() => CommandHelpParser.Parse(broken, "Remove-BpfObject.md"));
        Assert.Contains("invalid YAML", e.Message, StringComparison.Ordinal);
        Assert.True(e.Line > 0);
    }

    [Fact]
    public void Inline_markdown_becomes_console_text_and_list_markers_stay()
    {
        Assert.Equal("Get-BpfMap -Id 7 and bold (see bpftool (https://example.org/b))", MarkdownReader.PlainInline("`Get-BpfMap -Id 7` and **bold** (see [bpftool](https://example.org/b))"));
        Assert.Equal("- see Get-BpfProgram", MarkdownReader.PlainInline("- see [Get-BpfProgram](Get-BpfProgram.md)"));
        Assert.Equal("12. twelfth", MarkdownReader.PlainInline("12. twelfth"));
    }
}
