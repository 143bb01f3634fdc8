namespace PSBpf.HelpGen;

/// <summary>The help of one cmdlet as read from its platyPS markdown page.</summary>
public sealed record CommandHelp
{
    /// <summary>Cmdlet name, e.g. Import-BpfObject.</summary>
    public required string Name { get; init; }
    /// <summary>Front matter "external help file" (PSBpf.dll-Help.xml).</summary>
    public required string ExternalHelpFile { get; init; }
    /// <summary>Front matter "Module Name".</summary>
    public required string ModuleName { get; init; }
    /// <summary>One-paragraph synopsis.</summary>
    public required string Synopsis { get; init; }
    /// <summary>The parameter sets of the SYNTAX section.</summary>
    public required IReadOnlyList<SyntaxSet> Syntax { get; init; }
    /// <summary>DESCRIPTION paragraphs.</summary>
    public required IReadOnlyList<HelpBlock> Description { get; init; }
    /// <summary>EXAMPLES.</summary>
    public required IReadOnlyList<ExampleHelp> Examples { get; init; }
    /// <summary>PARAMETERS (without CommonParameters).</summary>
    public required IReadOnlyList<ParameterHelp> Parameters { get; init; }
    /// <summary>True when the page has a "### CommonParameters" entry.</summary>
    public required bool SupportsCommonParameters { get; init; }
    /// <summary>INPUTS.</summary>
    public required IReadOnlyList<TypeHelp> Inputs { get; init; }
    /// <summary>OUTPUTS.</summary>
    public required IReadOnlyList<TypeHelp> Outputs { get; init; }
    /// <summary>NOTES paragraphs.</summary>
    public required IReadOnlyList<HelpBlock> Notes { get; init; }
    /// <summary>RELATED LINKS.</summary>
    public required IReadOnlyList<RelatedLink> RelatedLinks { get; init; }

    /// <summary>The verb (text before the first '-').</summary>
    public string Verb => Name.Split('-', 2)[0];
    /// <summary>The noun (text after the first '-').</summary>
    public string Noun => Name.Contains('-', StringComparison.Ordinal) ? Name.Split('-', 2)[1] : string.Empty;
}
