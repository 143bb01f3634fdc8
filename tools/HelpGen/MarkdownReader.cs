using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace PSBpf.HelpGen;

/// <summary>
/// Reads help pages with Markdig (CommonMark, pipe tables, YAML front matter) and their YAML with YamlDotNet, into the
/// blocks the help writers need: paragraphs and list items as one line each, table rows apart, code blocks as written.
/// </summary>
public static class MarkdownReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().UsePipeTables().Build();
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="HelpFormatException">The front matter is not a YAML mapping of plain values.</exception>
    public static MarkdownPage Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var document = Markdown.Parse(text, Pipeline);
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sections = new List<MarkdownSection>();
        (HeadingBlock Heading, List<HelpBlock> Blocks, List<RelatedLink> Links)? current = null;

        void Close()
        {
            if (current is { } c)
            {
                sections.Add(new MarkdownSection(c.Heading.Level, HeadingText(text, c.Heading), c.Heading.Line + 1, c.Blocks, c.Links));
            }
        }

        foreach (var block in document)
        {
            switch (block)
            {
                case YamlFrontMatterBlock yaml:
                    foreach (var (key, value) in Mapping(yaml.Lines.ToString(), source, yaml.Line + 2))
                    {
                        front[key] = value;
                    }

                    break;
                case HeadingBlock heading:
                    Close();
                    current = (heading, [], []);
                    break;
                default:
                    if (current is { } c)
                    {
                        AddBlocks(text, block, c.Blocks);
                        CollectLinks(block, c.Links);
                    }

                    break;
            }
        }

        Close();
        return new MarkdownPage(front, sections);
    }

    /// <summary>
    /// A YAML block of "key: value" lines (front matter, a parameter's ```yaml block) as text values; an empty value is
    /// "". <paramref name="firstLine"/> is the block's first line in the page, for errors.
    /// </summary>
    /// <exception cref="HelpFormatException">Not a YAML mapping of scalars.</exception>
    public static IReadOnlyDictionary<string, string> Mapping(string yaml, string source, int firstLine)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        Dictionary<string, string?>? map;
        try
        {
            map = Yaml.Deserialize<Dictionary<string, string?>>(yaml);
        }
        catch (YamlException e)
        {
            throw new HelpFormatException(source, firstLine + (int)e.Start.Line - 1, $"invalid YAML: {e.Message}");
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map ?? [])
        {
            result[key] = value?.Trim() ?? string.Empty;
        }

        return result;
    }

    /// <summary>Inline markdown as console text: `code` → code, **bold** → bold, [text](url) → text (url), or text for a relative link.</summary>
    public static string PlainInline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // a list item's block keeps its marker; parsed as it stands, the marker would make it a list again
        int marker = MarkerLength(text);
        var plain = new StringBuilder(text[..marker]);
        text = text[marker..];
        foreach (var paragraph in Markdown.Parse(text, Pipeline).Descendants<ParagraphBlock>())
        {
            if (plain.Length > marker) plain.Append(' ');
            AppendPlain(plain, paragraph.Inline);
        }

        return plain.ToString();
    }

    /// <summary>Length of a list marker ("- ", "* ", "12. ") at the start of <paramref name="text"/>, else 0.</summary>
    public static int MarkerLength(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("- ", StringComparison.Ordinal) || text.StartsWith("* ", StringComparison.Ordinal) || text.StartsWith("+ ", StringComparison.Ordinal)) return 2;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        return digits > 0 && text.Length > digits + 1 && text[digits] is '.' or ')' && text[digits + 1] == ' ' ? digits + 2 : 0;
    }

    /// <summary>True for http(s) URLs.</summary>
    public static bool IsUrl(string uri) =>
        uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static void AddBlocks(string text, Block block, List<HelpBlock> blocks)
    {
        switch (block)
        {
            case FencedCodeBlock fenced:
                blocks.Add(new HelpBlock(CodeText(fenced), fenced.Info ?? string.Empty));
                break;
            case CodeBlock indented:
                blocks.Add(new HelpBlock(CodeText(indented), string.Empty));
                break;
            case ListBlock list:
                // one block per item, marker kept, so items do not run into one line
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    string marker = list.IsOrdered ? $"{item.Order}{list.OrderedDelimiter} " : $"{list.BulletType} ";
                    string body = OneLine(Source(text, item));
                    blocks.Add(new HelpBlock(body.StartsWith(marker.TrimEnd(), StringComparison.Ordinal) ? body : marker + body));
                }

                break;
            case Table table:
                foreach (var line in Source(text, table).Split('\n'))
                {
                    if (line.Trim().Length > 0) blocks.Add(new HelpBlock(line.Trim()));
                }

                break;
            case LinkReferenceDefinitionGroup:
                break;
            default:
                var paragraph = OneLine(Source(text, block));
                if (paragraph.Length > 0) blocks.Add(new HelpBlock(paragraph));
                break;
        }
    }

    private static void CollectLinks(Block block, List<RelatedLink> links)
    {
        var inlines = block is LeafBlock { Inline: { } leaf } ? [leaf] : block.Descendants<LeafBlock>().Select(l => l.Inline).OfType<ContainerInline>();
        foreach (var container in inlines)
        {
            foreach (var link in container.Descendants<LinkInline>().Where(l => !l.IsImage && l.Url is not null))
            {
                var label = new StringBuilder();
                AppendPlain(label, link);
                links.Add(new RelatedLink(label.ToString(), link.Url!));
            }
        }
    }

    private static void AppendPlain(StringBuilder plain, ContainerInline? container)
    {
        for (var inline = container?.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    plain.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    plain.Append(code.Content);
                    break;
                case LineBreakInline:
                    plain.Append(' ');
                    break;
                case LinkInline { IsImage: false } link:
                    AppendPlain(plain, link);
                    if (link.Url is { } url && IsUrl(url)) plain.Append(" (").Append(url).Append(')');
                    break;
                case AutolinkInline auto:
                    plain.Append(auto.Url);
                    break;
                case HtmlEntityInline entity:
                    plain.Append(entity.Transcoded.ToString());
                    break;
                case HtmlInline html:
                    plain.Append(html.Tag);
                    break;
                case ContainerInline nested:
                    AppendPlain(plain, nested);
                    break;
            }
        }
    }

    private static string HeadingText(string text, HeadingBlock heading) =>
        Source(text, heading).Trim().TrimStart('#').Trim().TrimEnd('#').Trim();

    private static string CodeText(LeafBlock code)
    {
        var lines = code.Lines.Lines.Take(code.Lines.Count).Select(l => l.Slice.ToString().TrimEnd());
        return string.Join('\n', lines).TrimEnd('\n');
    }

    private static string Source(string text, Block block) =>
        block.Span.IsEmpty ? string.Empty : text.Substring(block.Span.Start, Math.Min(block.Span.Length, text.Length - block.Span.Start));

    private static string OneLine(string source) =>
        string.Join(' ', source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}
