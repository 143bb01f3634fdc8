namespace PSBpf.HelpGen;

/// <summary>One parameter set in the SYNTAX section.</summary>
/// <param name="Name">Parameter set name (without " (Default)").</param>
/// <param name="IsDefault">True when the heading says "(Default)".</param>
/// <param name="Syntax">The syntax line(s) from the code block.</param>
public sealed record SyntaxSet(string Name, bool IsDefault, string Syntax);
