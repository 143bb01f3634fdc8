using System.Globalization;
using System.Text.RegularExpressions;

namespace PSBpf.Engine.Tests;

/// <summary>
/// llvm-readelf's view of an object's sections and symbols (binutils' readelf where llvm-readelf-14 is absent): an
/// ELF reader that is not PSBpf's, for checking object models against.
/// </summary>
internal sealed partial class Readelf
{
    public sealed record Section(int Index, string Name, string Type, long Size, string Flags);

    public sealed record Symbol(string Name, string Type, string Bind, string SectionIndex);

    public IReadOnlyList<Section> Sections { get; }

    public IReadOnlyList<Symbol> Symbols { get; }

    private static string Tool => File.Exists("/usr/bin/llvm-readelf-14") ? "/usr/bin/llvm-readelf-14" : "readelf";

    private Readelf(IReadOnlyList<Section> sections, IReadOnlyList<Symbol> symbols) => (Sections, Symbols) = (sections, symbols);

    public static Readelf Of(string path)
    {
        var text = Sh.Run(Tool, "-SsW", path);
        var sections = SectionLine().Matches(text).Select(m => new Section(
            int.Parse(m.Groups["nr"].Value, CultureInfo.InvariantCulture), m.Groups["name"].Value, m.Groups["type"].Value,
            long.Parse(m.Groups["size"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), m.Groups["flags"].Value)).ToList();
        var symbols = SymbolLine().Matches(text).Select(m => new Symbol(
            m.Groups["name"].Value, m.Groups["type"].Value, m.Groups["bind"].Value, m.Groups["ndx"].Value)).ToList();
        if (sections.Count == 0) throw new InvalidOperationException($"{Tool} -SsW {path}: no sections read from: {text}");
        return new Readelf(sections, symbols);
    }

    /// <summary>The section a symbol is defined in (null for undefined, absolute and common symbols).</summary>
    public Section? SectionOf(Symbol symbol) =>
        int.TryParse(symbol.SectionIndex, CultureInfo.InvariantCulture, out int i) ? Sections.FirstOrDefault(s => s.Index == i) : null;

    /// <summary>"  [ 4] xdp   PROGBITS   0000000000000000 0000b0 0000f0 00  AX  0   0  8"</summary>
    [GeneratedRegex(@"^\s*\[\s*(?<nr>\d+)\]\s+(?<name>\S*)\s+(?<type>[A-Z_]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+(?<size>[0-9a-f]+)\s+[0-9a-f]+\s+(?<flags>[A-Za-z]*)\s+\d+\s+\d+\s+\d+\s*$", RegexOptions.Multiline)]
    private static partial Regex SectionLine();

    /// <summary>"     4: 0000000000000000   240 FUNC    GLOBAL DEFAULT     4 fp_relocation"</summary>
    [GeneratedRegex(@"^\s*\d+:\s+[0-9a-f]+\s+\d+\s+(?<type>[A-Z]+)\s+(?<bind>[A-Z]+)\s+[A-Z]+\s+(?<ndx>\S+)\s+(?<name>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SymbolLine();
}
