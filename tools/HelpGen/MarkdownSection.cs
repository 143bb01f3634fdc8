namespace PSBpf.HelpGen;

/// <summary>A heading of a markdown page and what follows it up to the next heading.</summary>
/// <param name="Level">Number of '#'.</param>
/// <param name="Title">Heading text as written (inline markdown kept).</param>
/// <param name="Line">1-based line number of the heading.</param>
/// <param name="Blocks">Paragraphs, list items, table rows and code blocks up to the next heading.</param>
/// <param name="Links">Every link in those blocks, in order (RELATED LINKS is a list of them).</param>
public sealed record MarkdownSection(int Level, string Title, int Line, IReadOnlyList<HelpBlock> Blocks, IReadOnlyList<RelatedLink> Links);
