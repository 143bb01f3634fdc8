using System.Text;

namespace PSBpf.HelpGen;

/// <summary>Turns an about_*.md topic (platyPS about template) into the plain text of about_*.help.txt.</summary>
public static class AboutTopicWriter
{
    private const int Width = 80;
    private const string Indent = "    ";

    /// <summary>The help text: "TOPIC", then each "##" section as an upper-case title with its text indented.</summary>
    public static string Write(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var sections = MarkdownReader.Read(markdown, "about topic").Sections;
        var topic = sections.FirstOrDefault(s => s.Level == 1)?.Title
            ?? throw new HelpFormatException("about topic", 1, "the topic must start with '# about_<Name>'");
        var text = new StringBuilder();
        text.Append("TOPIC\n").Append(Indent).Append(topic).Append("\n\n");
        foreach (var s in sections.Where(s => s.Level >= 2))
        {
            if (s.Level == 2)
            {
                text.Append(s.Title.ToUpperInvariant()).Append('\n');
            }
            else
            {
                text.Append(Indent).Append(s.Title).Append('\n');
            }

            string indent = s.Level == 2 ? Indent : Indent + Indent;
            var blocks = s.Blocks;
            for (int k = 0; k < blocks.Count; k++)
            {
                var block = blocks[k];
                if (block.IsCode || block.Text.StartsWith('|'))
                {
                    foreach (var line in block.Text.Split('\n'))
                    {
                        text.Append(indent).Append(block.IsCode ? Indent : string.Empty).Append(line).Append('\n');
                    }
                }
                else
                {
                    Wrap(text, MarkdownReader.PlainInline(block.Text), indent);
                }

                // Consecutive list items and table rows stay together; everything else is separated by a blank line.
                bool together = k + 1 < blocks.Count && IsItem(block) && IsItem(blocks[k + 1]) && SameKind(block, blocks[k + 1]);
                if (!together)
                {
                    text.Append('\n');
                }
            }
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static bool IsItem(HelpBlock block) => !block.IsCode && (block.Text.StartsWith('|') || MarkdownReader.MarkerLength(block.Text) > 0);

    private static bool SameKind(HelpBlock a, HelpBlock b) => a.Text.StartsWith('|') == b.Text.StartsWith('|');

    private static void Wrap(StringBuilder text, string paragraph, string indent)
    {
        // List items keep their marker and hang their continuation lines under the item text.
        string hanging = new(' ', MarkdownReader.MarkerLength(paragraph));
        var line = new StringBuilder();
        bool empty = true;
        foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && indent.Length + line.Length + 1 + word.Length > Width)
            {
                text.Append(indent).Append(line).Append('\n');
                line.Clear().Append(hanging);
                empty = true;
            }

            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }

        if (!empty)
        {
            text.Append(indent).Append(line).Append('\n');
        }
    }
}
