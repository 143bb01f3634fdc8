using System.Xml.Linq;

namespace PSBpf.HelpGen;

/// <summary>Writes cmdlet help as MAML, the XML format Get-Help reads from &lt;module&gt;/&lt;culture&gt;/&lt;assembly&gt;.dll-Help.xml.</summary>
public static class MamlWriter
{
    /// <summary>The helpItems default namespace.</summary>
    public static readonly XNamespace Msh = "http://msh";
    /// <summary>maml: namespace.</summary>
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    /// <summary>command: namespace.</summary>
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    /// <summary>dev: namespace.</summary>
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    /// <summary>MSHelp: namespace.</summary>
    public static readonly XNamespace MSHelp = "http://msdn.microsoft.com/mshelp";

    /// <summary>One MAML document holding <paramref name="commands"/>, in name order.</summary>
    public static XDocument Write(IEnumerable<CommandHelp> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var root = new XElement(Msh + "helpItems",
            new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MSHelp));
        foreach (var c in commands.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
        {
            root.Add(WriteCommand(c));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static XElement WriteCommand(CommandHelp c)
    {
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", c.Name),
                new XElement(Command + "verb", c.Verb),
                new XElement(Command + "noun", c.Noun),
                Description([new HelpBlock(c.Synopsis)])),
            Description(c.Description),
            new XElement(Command + "syntax", c.Syntax.Select(s => SyntaxItem(c, s))),
            new XElement(Command + "parameters", c.Parameters.Select(p => Parameter(p, p.Position, inSyntax: false))),
            new XElement(Command + "inputTypes", c.Inputs.Select(t => new XElement(Command + "inputType", TypeElement(t.Name), Description(t.Description)))),
            new XElement(Command + "returnValues", c.Outputs.Select(t => new XElement(Command + "returnValue", TypeElement(t.Name), Description(t.Description)))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(c.Notes))),
            new XElement(Command + "examples", c.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", c.RelatedLinks.Select(l =>
                new XElement(Maml + "navigationLink",
                    new XElement(Maml + "linkText", l.Text),
                    new XElement(Maml + "uri", MarkdownReader.IsUrl(l.Uri) ? l.Uri : string.Empty)))));
    }

    private static XElement SyntaxItem(CommandHelp c, SyntaxSet set)
    {
        // Positional parameters first (by position), then mandatory named ones, then optional ones, as Get-Help prints syntax.
        var members = c.Parameters.Where(p => p.IsInSet(set.Name))
            .OrderBy(p => int.TryParse(p.Position, out var n) ? n : int.MaxValue)
            .ThenBy(p => p.Required ? 0 : 1)
            .ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase);
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", c.Name),
            members.Select(p => Parameter(p, p.Position, inSyntax: true)));
    }

    private static XElement Parameter(ParameterHelp p, string position, bool inSyntax)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", p.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", p.AcceptsWildcards ? "true" : "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", int.TryParse(position, out _) ? position : "named"),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            Description(p.Description));
        // as platyPS: a switch has no value in the syntax ("[-Name]") and an optional one in the parameter list, where
        // Get-Help then shows "-Name [<SwitchParameter>]"
        if (!p.IsSwitch || !inSyntax)
        {
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", p.IsSwitch ? "false" : "true"),
                new XAttribute("variableLength", "false"),
                p.Type));
        }

        element.Add(TypeElement(p.Type), new XElement(Dev + "defaultValue", p.DefaultValue));
        return element;
    }

    private static XElement Example(ExampleHelp e, int index)
    {
        var title = e.Title.StartsWith("Example", StringComparison.OrdinalIgnoreCase) ? e.Title : $"Example {index + 1}: {e.Title}";
        return new XElement(Command + "example",
            new XElement(Maml + "title", $"--------- {title} ---------"),
            new XElement(Dev + "code", e.Code),
            new XElement(Dev + "remarks", Paras(e.Remarks)));
    }

    private static XElement TypeElement(string name) =>
        new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    private static XElement Description(IEnumerable<HelpBlock> blocks) => new(Maml + "description", Paras(blocks));

    private static IEnumerable<XElement> Paras(IEnumerable<HelpBlock> blocks)
    {
        var paras = blocks.Select(b => new XElement(Maml + "para", b.IsCode ? b.Text : MarkdownReader.PlainInline(b.Text))).ToList();
        return paras.Count == 0 ? [new XElement(Maml + "para")] : paras;
    }
}
