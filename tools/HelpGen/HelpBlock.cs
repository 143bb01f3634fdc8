namespace PSBpf.HelpGen;

/// <summary>A paragraph of prose, or a fenced code block, from a help section.</summary>
/// <param name="Text">Paragraph text (lines joined with spaces), or the code block's lines.</param>
/// <param name="CodeLanguage">The fence's info string ("powershell", "output", "" for a bare fence); null for prose.</param>
public sealed record HelpBlock(string Text, string? CodeLanguage = null)
{
    /// <summary>True for a fenced code block.</summary>
    public bool IsCode => CodeLanguage is not null;
}
