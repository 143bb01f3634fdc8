using System.Text;
using System.Text.RegularExpressions;

namespace PSBpf.HelpGen;

/// <summary>The small part of markdown the platyPS layout uses: front matter, ATX headings, paragraphs, fenced code.</summary>
public static partial class MarkdownReader
{
    /// <summary>Splits off the YAML front matter ("---" lines) as key/value pairs; returns the remaining lines and their first line number.</summary>
    public static (IReadOnlyDictionary<string, string> FrontMatter, string[] Lines, int FirstLine) ReadFrontMatter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            return (front, lines, 1);
        }

        int end = Array.FindIndex(lines, 1, l => l.Trim() == "---");
        if (end < 0)
        {
            return (front, lines, 1);
        }

        for (int i = 1; i < end; i++)
        {
            int colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                front[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
            }
        }

        return (front, lines[(end + 1)..], end + 2);
    }

    /// <summary>The headings of <paramref name="lines"/> with their bodies; text before the first heading is dropped.</summary>
    public static List<MarkdownSection> Sections(IReadOnlyList<string> lines, int firstLine = 1)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var result = new List<MarkdownSection>();
        int level = 0, line = 0;
        string? title = null;
        var body = new List<string>();
        bool inFence = false;
        for (int i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            if (IsFence(l))
            {
                inFence = !inFence;
            }
            else if (!inFence && HeadingRegex().Match(l) is { Success: true } m)
            {
                if (title is not null)
                {
                    result.Add(new MarkdownSection(level, title, line, body.ToArray()));
                }

                level = m.Groups[1].Length;
                title = m.Groups[2].Value.Trim();
                line = firstLine + i;
                body.Clear();
                continue;
            }

            if (title is not null)
            {
                body.Add(l);
            }
        }

        if (title is not null)
        {
            result.Add(new MarkdownSection(level, title, line, body.ToArray()));
        }

        return result;
    }

    /// <summary>Paragraphs (blank-line separated, lines joined with spaces) and fenced code blocks (lines kept).</summary>
    public static List<HelpBlock> Blocks(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var blocks = new List<HelpBlock>();
        var para = new List<string>();
        StringBuilder? code = null;
        string? language = null;

        void FlushPara()
        {
            if (para.Count > 0)
            {
                blocks.Add(new HelpBlock(string.Join(' ', para)));
                para.Clear();
            }
        }

        foreach (var raw in lines)
        {
            if (code is not null)
            {
                if (IsFence(raw))
                {
                    blocks.Add(new HelpBlock(code.ToString().TrimEnd('\n'), language));
                    code = null;
                }
                else
                {
                    code.Append(raw.TrimEnd()).Append('\n');
                }

                continue;
            }

            if (IsFence(raw))
            {
                FlushPara();
                code = new StringBuilder();
                language = raw.Trim()[3..].Trim();
                continue;
            }

            if (string.IsNullOrWhiteSpace(raw))
            {
                FlushPara();
            }
            else if (IsListItem(raw))
            {
                // Keep list items (and table rows) apart so they do not run into one line.
                FlushPara();
                para.Add(raw.Trim());
            }
            else
            {
                para.Add(raw.Trim());
            }
        }

        FlushPara();
        if (code is not null)
        {
            blocks.Add(new HelpBlock(code.ToString().TrimEnd('\n'), language));
        }

        return blocks;
    }

    /// <summary>Removes inline markdown for console help: `code` → code, **bold** → bold, [text](url) → text (url) or text.</summary>
    public static string PlainInline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = LinkRegex().Replace(text, m => IsUrl(m.Groups[2].Value) ? $"{m.Groups[1].Value} ({m.Groups[2].Value})" : m.Groups[1].Value);
        text = text.Replace("**", string.Empty, StringComparison.Ordinal);
        return text.Replace("`", string.Empty, StringComparison.Ordinal);
    }

    /// <summary>True for http(s) URLs.</summary>
    public static bool IsUrl(string uri) =>
        uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A "```" fence line.</summary>
    public static bool IsFence(string line) => line.TrimStart().StartsWith("```", StringComparison.Ordinal);

    private static bool IsListItem(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("- ", StringComparison.Ordinal) || t.StartsWith("* ", StringComparison.Ordinal) || t.StartsWith('|') || NumberedRegex().IsMatch(t);
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex HeadingRegex();

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")]
    internal static partial Regex LinkRegex();

    [GeneratedRegex(@"^\d+\.\s")]
    private static partial Regex NumberedRegex();
}
