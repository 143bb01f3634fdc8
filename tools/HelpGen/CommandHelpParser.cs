namespace PSBpf.HelpGen;

/// <summary>Reads a cmdlet page in platyPS's markdown layout (schema 2.0.0) into a <see cref="CommandHelp"/>.</summary>
public static class CommandHelpParser
{
    private static readonly string[] RequiredSections = ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="HelpFormatException">The page does not follow the layout.</exception>
    public static CommandHelp Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(MarkdownReader.Read(text, source), source);
    }

    /// <summary>Parses a page <see cref="MarkdownReader.Read"/> has read; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="HelpFormatException">The page does not follow the layout.</exception>
    public static CommandHelp Parse(MarkdownPage page, string source)
    {
        ArgumentNullException.ThrowIfNull(page);
        var front = page.FrontMatter;
        var sections = page.Sections;
        if (sections.Count == 0 || sections[0].Level != 1)
        {
            throw new HelpFormatException(source, sections.Count == 0 ? 1 : sections[0].Line, "the page must start with '# <Cmdlet-Name>'");
        }

        var name = sections[0].Title;
        var byName = new Dictionary<string, (MarkdownSection Section, List<MarkdownSection> Children)>(StringComparer.OrdinalIgnoreCase);
        (MarkdownSection Section, List<MarkdownSection> Children)? current = null;
        foreach (var s in sections.Skip(1))
        {
            switch (s.Level)
            {
                case 2:
                    if (byName.ContainsKey(s.Title)) throw new HelpFormatException(source, s.Line, $"section '## {s.Title}' appears twice");
                    current = (s, []);
                    byName[s.Title] = current.Value;
                    break;
                case 3 when current is not null:
                    current.Value.Children.Add(s);
                    break;
                default:
                    throw new HelpFormatException(source, s.Line, $"unexpected heading level {s.Level} ('{s.Title}')");
            }
        }

        foreach (var required in RequiredSections)
        {
            if (!byName.ContainsKey(required)) throw new HelpFormatException(source, 0, $"{name}: section '## {required}' is missing");
        }

        string synopsis = string.Join(' ', byName["SYNOPSIS"].Section.Blocks.Select(b => b.Text));
        if (synopsis.Length == 0) throw new HelpFormatException(source, byName["SYNOPSIS"].Section.Line, "SYNOPSIS is empty");

        var parameters = new List<ParameterHelp>();
        bool common = false;
        foreach (var p in byName["PARAMETERS"].Children)
        {
            if (p.Title == "CommonParameters")
            {
                common = true;
            }
            else if (p.Title.StartsWith('-'))
            {
                parameters.Add(ParseParameter(p, source));
            }
            else
            {
                throw new HelpFormatException(source, p.Line, $"parameter headings are '### -Name', got '### {p.Title}'");
            }
        }

        return new CommandHelp
        {
            Name = name,
            ExternalHelpFile = front.GetValueOrDefault("external help file") ?? throw new HelpFormatException(source, 1, "front matter lacks 'external help file'"),
            ModuleName = front.GetValueOrDefault("Module Name") ?? throw new HelpFormatException(source, 1, "front matter lacks 'Module Name'"),
            Synopsis = synopsis,
            Syntax = byName["SYNTAX"].Children.Select(s => ParseSyntax(s, source)).ToArray(),
            Description = byName["DESCRIPTION"].Section.Blocks,
            Examples = byName["EXAMPLES"].Children.Select(ParseExample).ToArray(),
            Parameters = parameters,
            SupportsCommonParameters = common,
            Inputs = byName["INPUTS"].Children.Select(t => new TypeHelp(t.Title, t.Blocks)).ToArray(),
            Outputs = byName["OUTPUTS"].Children.Select(t => new TypeHelp(t.Title, t.Blocks)).ToArray(),
            Notes = byName["NOTES"].Section.Blocks,
            RelatedLinks = byName["RELATED LINKS"].Section.Links,
        };
    }

    private static SyntaxSet ParseSyntax(MarkdownSection s, string source)
    {
        const string DefaultSuffix = "(Default)";
        bool isDefault = s.Title.EndsWith(DefaultSuffix, StringComparison.OrdinalIgnoreCase);
        var set = isDefault ? s.Title[..^DefaultSuffix.Length].Trim() : s.Title;
        var code = s.Blocks.FirstOrDefault(b => b.IsCode)
            ?? throw new HelpFormatException(source, s.Line, $"syntax '{s.Title}' has no code block");
        return new SyntaxSet(set, isDefault, code.Text.Trim());
    }

    private static ExampleHelp ParseExample(MarkdownSection s)
    {
        var blocks = s.Blocks;
        // The example's code: the PowerShell code blocks before the first prose or output block (platyPS's convention).
        var code = blocks.TakeWhile(b => b.IsCode && b.CodeLanguage is "" or "powershell" or "PowerShell" or "ps" or "pwsh").ToList();
        return new ExampleHelp(s.Title, string.Join("\n\n", code.Select(b => b.Text)), blocks.Skip(code.Count).ToArray());
    }

    private static ParameterHelp ParseParameter(MarkdownSection s, string source)
    {
        var blocks = s.Blocks;
        var yaml = blocks.LastOrDefault(b => b.CodeLanguage == "yaml")
            ?? throw new HelpFormatException(source, s.Line, $"parameter '{s.Title}' has no ```yaml block");
        var fields = MarkdownReader.Mapping(yaml.Text, source, s.Line);

        string Field(string key) => fields.TryGetValue(key, out var v)
            ? v
            : throw new HelpFormatException(source, s.Line, $"parameter '{s.Title}': yaml field '{key}' is missing");

        static IReadOnlyList<string> List(string v) =>
            v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        return new ParameterHelp
        {
            Name = s.Title[1..],
            Description = blocks.Where(b => b != yaml).ToArray(),
            Type = Field("Type"),
            ParameterSets = List(Field("Parameter Sets")),
            Aliases = List(Field("Aliases")),
            Required = bool.Parse(Field("Required")),
            Position = Field("Position"),
            DefaultValue = Field("Default value"),
            PipelineInput = Field("Accept pipeline input"),
            AcceptsWildcards = bool.Parse(Field("Accept wildcard characters")),
        };
    }
}
