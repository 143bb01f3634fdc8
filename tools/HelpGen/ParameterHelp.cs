namespace PSBpf.HelpGen;

/// <summary>One parameter from the PARAMETERS section: its description and the fields of its yaml block.</summary>
public sealed record ParameterHelp
{
    /// <summary>Name without the leading '-'.</summary>
    public required string Name { get; init; }
    /// <summary>Description paragraphs.</summary>
    public required IReadOnlyList<HelpBlock> Description { get; init; }
    /// <summary>Type as platyPS writes it (String[], SwitchParameter).</summary>
    public required string Type { get; init; }
    /// <summary>Parameter set names, or the single entry "(All)".</summary>
    public required IReadOnlyList<string> ParameterSets { get; init; }
    /// <summary>Aliases (empty when none).</summary>
    public required IReadOnlyList<string> Aliases { get; init; }
    /// <summary>Mandatory.</summary>
    public required bool Required { get; init; }
    /// <summary>"0", "1", … or "Named".</summary>
    public required string Position { get; init; }
    /// <summary>Default value text ("None" when none).</summary>
    public required string DefaultValue { get; init; }
    /// <summary>"False", or "True (ByValue)", "True (ByPropertyName)", "True (ByPropertyName, ByValue)".</summary>
    public required string PipelineInput { get; init; }
    /// <summary>Accept wildcard characters.</summary>
    public required bool AcceptsWildcards { get; init; }

    /// <summary>True when the parameter belongs to every set.</summary>
    public bool InAllSets => ParameterSets.Count == 1 && ParameterSets[0] == "(All)";

    /// <summary>True when the parameter is in <paramref name="set"/>.</summary>
    public bool IsInSet(string set) => InAllSets || ParameterSets.Contains(set, StringComparer.OrdinalIgnoreCase);

    /// <summary>True for switch parameters, which take no value.</summary>
    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";
}
