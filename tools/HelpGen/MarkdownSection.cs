namespace PSBpf.HelpGen;

/// <summary>A heading of a markdown file and the lines up to the next heading.</summary>
/// <param name="Level">Number of '#'.</param>
/// <param name="Title">Heading text.</param>
/// <param name="Line">1-based line number of the heading.</param>
/// <param name="Body">Lines after the heading, up to the next heading (headings inside code fences do not count).</param>
public sealed record MarkdownSection(int Level, string Title, int Line, IReadOnlyList<string> Body);
