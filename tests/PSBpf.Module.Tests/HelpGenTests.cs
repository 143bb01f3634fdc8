using System.Xml.Linq;
using PSBpf.HelpGen;

namespace PSBpf.Module.Tests;

/// <summary>The MAML generator run on docs/: the help Get-Help will show for every cmdlet and parameter.</summary>
public sealed class HelpGenTests
{
    private static readonly XNamespace Command = MamlWriter.Command;
    private static readonly XNamespace Maml = MamlWriter.Maml;
    private static readonly XNamespace Dev = MamlWriter.Dev;

    private static readonly Lazy<GeneratedHelp> Help = new(() => HelpGenerator.Generate(TestPaths.Docs));

    [Fact]
    public void Docs_produce_one_MAML_file_named_after_the_module_assembly()
    {
        var file = Assert.Single(Help.Value.MamlFiles);
        Assert.Equal("PSBpf.dll-Help.xml", file.Key);
        Assert.All(Help.Value.Commands, c => Assert.Equal("PSBpf", c.ModuleName));
    }

    [Fact]
    public void MAML_has_every_cmdlet_with_details_syntax_parameters_and_examples()
    {
        var doc = Reparse(Help.Value.MamlFiles["PSBpf.dll-Help.xml"]);
        Assert.Equal("helpItems", doc.Root!.Name.LocalName);
        Assert.Equal("maml", doc.Root.Attribute("schema")?.Value);
        var commands = doc.Root.Elements(Command + "command").ToList();
        var problems = new List<string>();
        foreach (var cmdlet in ModuleMetadata.Instance.Cmdlets)
        {
            var command = commands.SingleOrDefault(c => c.Element(Command + "details")?.Element(Command + "name")?.Value == cmdlet.Name);
            if (command is null)
            {
                problems.Add($"{cmdlet.Name} is missing from the MAML");
                continue;
            }

            var details = command.Element(Command + "details")!;
            Check(problems, details.Element(Command + "verb")?.Value == cmdlet.Verb, $"{cmdlet.Name}: verb");
            Check(problems, details.Element(Command + "noun")?.Value == cmdlet.Noun, $"{cmdlet.Name}: noun");
            Check(problems, !string.IsNullOrWhiteSpace(details.Element(Maml + "description")?.Value), $"{cmdlet.Name}: synopsis");
            Check(problems, !string.IsNullOrWhiteSpace(command.Element(Maml + "description")?.Value), $"{cmdlet.Name}: description");

            var parameters = command.Element(Command + "parameters")!.Elements(Command + "parameter").ToList();
            foreach (var p in cmdlet.Parameters)
            {
                var element = parameters.SingleOrDefault(e => e.Element(Maml + "name")?.Value == p.Name);
                if (element is null)
                {
                    problems.Add($"{cmdlet.Name}: parameter {p.Name} missing from <command:parameters>");
                    continue;
                }

                var set = p.Sets[0];
                Check(problems, element.Attribute("required")?.Value == (set.Mandatory ? "true" : "false"), $"{cmdlet.Name} -{p.Name}: required");
                Check(problems, element.Attribute("position")?.Value == (set.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"), $"{cmdlet.Name} -{p.Name}: position");
                Check(problems, element.Attribute("globbing")?.Value == (p.SupportsWildcards ? "true" : "false"), $"{cmdlet.Name} -{p.Name}: globbing");
                Check(problems, element.Attribute("pipelineInput")?.Value == CmdletDocs.PipelineInput(set), $"{cmdlet.Name} -{p.Name}: pipelineInput");
                Check(problems, !string.IsNullOrWhiteSpace(element.Element(Maml + "description")?.Value), $"{cmdlet.Name} -{p.Name}: description");
                Check(problems, element.Element(Dev + "type")?.Element(Maml + "name")?.Value == CmdletDocs.PlatyTypeName(p.Type), $"{cmdlet.Name} -{p.Name}: type");
            }

            Check(problems, parameters.Count == cmdlet.Parameters.Count, $"{cmdlet.Name}: {parameters.Count} parameters in MAML, {cmdlet.Parameters.Count} in the cmdlet");

            // One syntax item per parameter set, each holding exactly the parameters of that set.
            var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
            Check(problems, items.Count == cmdlet.ParameterSetNames.Count, $"{cmdlet.Name}: {items.Count} syntax items for {cmdlet.ParameterSetNames.Count} parameter sets");
            var itemSets = items.Select(i => i.Elements(Command + "parameter").Select(e => e.Element(Maml + "name")!.Value).Order(StringComparer.Ordinal).ToList()).ToList();
            foreach (var setName in cmdlet.ParameterSetNames)
            {
                var expected = cmdlet.Parameters.Where(p => p.Sets.Any(s => s.IsAllSets || s.SetName == setName)).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
                Check(problems, itemSets.Any(s => s.SequenceEqual(expected)), $"{cmdlet.Name}: no syntax item with exactly [{string.Join(", ", expected)}] for set {setName}");
            }

            var examples = command.Element(Command + "examples")!.Elements(Command + "example").ToList();
            Check(problems, examples.Count >= 2, $"{cmdlet.Name}: examples");
            Check(problems, examples.All(e => !string.IsNullOrWhiteSpace(e.Element(Dev + "code")?.Value) && e.Element(Maml + "title") is not null), $"{cmdlet.Name}: every example has a title and code");
            Check(problems, command.Element(Command + "returnValues")!.Elements(Command + "returnValue").Any(), $"{cmdlet.Name}: outputs");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void MAML_documents_no_cmdlet_the_module_lacks()
    {
        var names = Help.Value.Commands.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(ModuleMetadata.Instance.Cmdlets.Select(c => c.Name).ToHashSet(StringComparer.Ordinal), names);
        Assert.Superset(ModuleMetadata.Instance.Cmdlets.Select(c => c.Name).ToHashSet(StringComparer.Ordinal), names);
    }

    [Fact]
    public void The_about_topic_becomes_help_text()
    {
        var text = Help.Value.AboutTopics["about_PSBpf.help.txt"];
        Assert.StartsWith("TOPIC\n    about_PSBpf\n", text, StringComparison.Ordinal);
        Assert.Contains("\nSHORT DESCRIPTION\n", text, StringComparison.Ordinal);
        Assert.Contains("\nLONG DESCRIPTION\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n').Where(l => !l.StartsWith("        ", StringComparison.Ordinal) && !l.TrimStart().StartsWith('|')), l => Assert.True(l.Length <= 80, $"line too long: {l}"));
    }

    [Fact]
    public void Written_files_are_well_formed_and_utf8_without_bom()
    {
        var dir = Directory.CreateTempSubdirectory("psbpf-help-");
        try
        {
            var written = HelpGenerator.Write(Help.Value, dir.FullName);
            Assert.Contains(written, p => p.EndsWith("PSBpf.dll-Help.xml", StringComparison.Ordinal));
            Assert.Contains(written, p => p.EndsWith("about_PSBpf.help.txt", StringComparison.Ordinal));
            var bytes = File.ReadAllBytes(Path.Combine(dir.FullName, "PSBpf.dll-Help.xml"));
            Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
            XDocument.Load(Path.Combine(dir.FullName, "PSBpf.dll-Help.xml"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Non_help_markdown_in_docs_is_ignored_and_broken_pages_are_reported()
    {
        Assert.False(HelpGenerator.IsCommandPage("# Design notes\n\nSome text.\n"));
        var broken = "---\nexternal help file: PSBpf.dll-Help.xml\nModule Name: PSBpf\n---\n\n# Get-BpfThing\n\n## SYNOPSIS\nx\n";
        Assert.True(HelpGenerator.IsCommandPage(broken));
        var e = Assert.Throws<HelpFormatException>(() => CommandHelpParser.Parse(broken, "Get-BpfThing.md"));
        Assert.Contains("SYNTAX", e.Message, StringComparison.Ordinal);
    }

    private static XDocument Reparse(XDocument doc) => XDocument.Parse(doc.ToString());

    private static void Check(List<string> problems, bool ok, string what)
    {
        if (!ok) problems.Add(what);
    }
}
