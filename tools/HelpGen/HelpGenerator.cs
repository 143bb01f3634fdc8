using System.Text;
using System.Xml;

namespace PSBpf.HelpGen;

/// <summary>Generates MAML and about topics from a folder of platyPS markdown (the core of the HelpGen tool).</summary>
public static class HelpGenerator
{
    /// <summary>
    /// Reads the *.md files of <paramref name="docsDirectory"/>: about_*.md become about topics, pages whose front matter has an
    /// "external help file" become cmdlet help; other markdown (design notes) is left alone.
    /// </summary>
    /// <exception cref="HelpFormatException">A page does not follow the layout, or two pages describe the same cmdlet.</exception>
    public static GeneratedHelp Generate(string docsDirectory)
    {
        var commands = new List<CommandHelp>();
        var about = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(docsDirectory, "*.md").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var text = File.ReadAllText(file);
            if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                about[name + ".help.txt"] = AboutTopicWriter.Write(text);
                continue;
            }

            // one Markdig parse per page: the front matter says whether it is a cmdlet page, the rest is its help
            var page = MarkdownReader.Read(text, file);
            if (!IsCommandPage(page))
            {
                continue;
            }

            var help = CommandHelpParser.Parse(page, file);
            if (!string.Equals(help.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                throw new HelpFormatException(file, 1, $"the page is named {name}.md but documents '{help.Name}'");
            }

            if (commands.Any(c => string.Equals(c.Name, help.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new HelpFormatException(file, 1, $"'{help.Name}' is documented twice");
            }

            Validate(help, file);
            commands.Add(help);
        }

        var maml = commands.GroupBy(c => c.ExternalHelpFile, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => MamlWriter.Write(g), StringComparer.OrdinalIgnoreCase);
        return new GeneratedHelp(commands, maml, about);
    }

    /// <summary>Writes the MAML files and about topics into <paramref name="outputDirectory"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(GeneratedHelp help, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(help);
        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        foreach (var (name, doc) in help.MamlFiles)
        {
            var path = Path.Combine(outputDirectory, name);
            using (var writer = XmlWriter.Create(path, settings))
            {
                doc.Save(writer);
            }

            written.Add(path);
        }

        foreach (var (name, text) in help.AboutTopics)
        {
            var path = Path.Combine(outputDirectory, name);
            File.WriteAllText(path, text, new UTF8Encoding(false));
            written.Add(path);
        }

        return written;
    }

    /// <summary>True for a platyPS cmdlet page: front matter with an "external help file" entry.</summary>
    public static bool IsCommandPage(string markdown) => IsCommandPage(MarkdownReader.Read(markdown, "page"));

    private static bool IsCommandPage(MarkdownPage page) => page.FrontMatter.ContainsKey("external help file");

    private static void Validate(CommandHelp help, string file)
    {
        if (help.Syntax.Count == 0) throw new HelpFormatException(file, 0, $"{help.Name}: SYNTAX has no parameter set");
        if (help.Examples.Count == 0) throw new HelpFormatException(file, 0, $"{help.Name}: EXAMPLES is empty");
        if (help.Syntax.Count(s => s.IsDefault) > 1) throw new HelpFormatException(file, 0, $"{help.Name}: more than one default parameter set");
        var sets = help.Syntax.Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in help.Parameters)
        {
            foreach (var set in p.ParameterSets.Where(s => s != "(All)"))
            {
                if (!sets.Contains(set)) throw new HelpFormatException(file, 0, $"{help.Name}: parameter -{p.Name} names parameter set '{set}', which SYNTAX does not list");
            }

            if (p.Position != "Named" && !int.TryParse(p.Position, out _)) throw new HelpFormatException(file, 0, $"{help.Name}: parameter -{p.Name} has position '{p.Position}' (a number or Named)");
        }

        foreach (var s in help.Syntax)
        {
            foreach (var p in help.Parameters.Where(p => p.IsInSet(s.Name)))
            {
                if (!s.Syntax.Contains("-" + p.Name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HelpFormatException(file, 0, $"{help.Name}: the syntax of set '{s.Name}' does not show -{p.Name}");
                }
            }
        }
    }
}
