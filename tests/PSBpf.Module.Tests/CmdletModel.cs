namespace PSBpf.Module.Tests;

/// <summary>A cmdlet class of PSBpf.dll as its attributes declare it (read reflection-only).</summary>
internal sealed record CmdletModel(
    Type Type,
    string Verb,
    string Noun,
    string? DefaultParameterSetName,
    IReadOnlyList<Type> OutputTypes,
    IReadOnlyList<string> OutputTypeNames,
    IReadOnlyList<ParameterModel> Parameters,
    bool SupportsShouldProcess = false)
{
    public string Name => $"{Verb}-{Noun}";

    /// <summary>The named parameter sets (without the implicit all-sets name); one "__AllParameterSets" entry when there are none.</summary>
    public IReadOnlyList<string> ParameterSetNames
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Sets).Where(s => !s.IsAllSets).Select(s => s.SetName)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return named.Count == 0 ? [DefaultParameterSetName ?? ParameterSetBinding.AllSets] : named;
        }
    }

    public override string ToString() => Name;
}
