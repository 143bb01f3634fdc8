namespace PSBpf.HelpGen;

/// <summary>An INPUTS or OUTPUTS entry.</summary>
/// <param name="Name">The type name from the ### heading.</param>
/// <param name="Description">What it means.</param>
public sealed record TypeHelp(string Name, IReadOnlyList<HelpBlock> Description);
