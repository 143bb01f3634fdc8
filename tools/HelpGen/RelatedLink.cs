namespace PSBpf.HelpGen;

/// <summary>A RELATED LINKS entry.</summary>
/// <param name="Text">Link text.</param>
/// <param name="Uri">Target: a URL, or a relative .md file (written without a URI in MAML, as platyPS does).</param>
public sealed record RelatedLink(string Text, string Uri);
