namespace PSBpf.HelpGen;

/// <summary>A markdown page: its YAML front matter and its headed sections (text before the first heading is dropped).</summary>
/// <param name="FrontMatter">Front matter keys (case-insensitive) and their values as text ("" for an empty value).</param>
/// <param name="Sections">The headings in page order, each with its blocks.</param>
public sealed record MarkdownPage(IReadOnlyDictionary<string, string> FrontMatter, IReadOnlyList<MarkdownSection> Sections);
