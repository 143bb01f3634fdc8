using System.Xml.Linq;

namespace PSBpf.HelpGen;

/// <summary>The help generated from a docs folder.</summary>
/// <param name="Commands">Every cmdlet page, parsed.</param>
/// <param name="MamlFiles">MAML documents by file name (the pages' "external help file").</param>
/// <param name="AboutTopics">about_*.help.txt contents by file name.</param>
public sealed record GeneratedHelp(
    IReadOnlyList<CommandHelp> Commands,
    IReadOnlyDictionary<string, XDocument> MamlFiles,
    IReadOnlyDictionary<string, string> AboutTopics);
