namespace PSBpf.HelpGen;

/// <summary>One example: title, the PowerShell code, and the remarks (text and sample output) after it.</summary>
/// <param name="Title">Heading text, e.g. "Example 1: Open an object".</param>
/// <param name="Code">The example's PowerShell code blocks, joined.</param>
/// <param name="Remarks">Prose and output blocks that follow the code.</param>
public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<HelpBlock> Remarks);
