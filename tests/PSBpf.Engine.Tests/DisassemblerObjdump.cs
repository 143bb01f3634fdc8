using System.Globalization;
using System.Text.RegularExpressions;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Runs llvm-objdump-14 -d -r (raw bytes shown) and parses it into instructions per section.
/// Normalisation, the only differences the disassembler tests allow: llvm-objdump's branch annotation
/// (" &lt;LBB0_2&gt;", " &lt;func+0x58&gt;") is split off the text into Label, and runs of whitespace (llvm
/// separates ld_pseudo's operands with a tab) become one space. Relocation lines ("0000000000000010:  R_BPF_64_64\tmy_pid")
/// become "R_BPF_64_64 my_pid" on the instruction they patch.
/// </summary>
internal static partial class DisassemblerObjdump
{
    public const string Tool = "llvm-objdump-14";

    public sealed record Line(int Slot, string Bytes, string Text, string? Label)
    {
        public List<string> Relocations { get; } = [];
    }

    /// <summary>Instructions by section name, each keyed by slot index within its section.</summary>
    public static Dictionary<string, SortedDictionary<int, Line>> Run(string path)
    {
        var output = Sh.Run(Tool, "-d", "-r", path);
        var sections = new Dictionary<string, SortedDictionary<int, Line>>(StringComparer.Ordinal);
        SortedDictionary<int, Line>? current = null;
        Line? last = null;
        foreach (var raw in output.Split('\n'))
        {
            if (raw.StartsWith("Disassembly of section ", StringComparison.Ordinal))
            {
                var name = raw["Disassembly of section ".Length..].TrimEnd(':');
                sections[name] = current = [];
                last = null;
                continue;
            }

            if (current is null) continue;
            var reloc = RelocationLine().Match(raw);
            if (reloc.Success)
            {
                int slot = (int)(ulong.Parse(reloc.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 8);
                string text = Space().Replace(reloc.Groups[2].Value.Trim(), " ");
                // The relocation belongs to the instruction containing its offset (the first slot of an ld_imm64).
                (current.TryGetValue(slot, out var owner) ? owner : last)?.Relocations.Add(text);
                continue;
            }

            var insn = InstructionLine().Match(raw);
            if (!insn.Success) continue;
            string body = Space().Replace(insn.Groups[3].Value.Trim(), " ");
            string? label = null;
            var l = LabelSuffix().Match(body);
            if (l.Success)
            {
                label = l.Groups[1].Value;
                body = body[..l.Index];
            }

            last = new Line(int.Parse(insn.Groups[1].Value, CultureInfo.InvariantCulture), insn.Groups[2].Value.Trim(), body, label);
            current[last.Slot] = last;
        }

        return sections;
    }

    [GeneratedRegex(@"^\s+(\d+):\t((?:[0-9a-f]{2} )*[0-9a-f]{2})\t(.*)$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"^\t\t([0-9a-f]{16}):\s+(R_BPF\S*\s+.*)$")]
    private static partial Regex RelocationLine();

    [GeneratedRegex(@" <([^>]+)>$")]
    private static partial Regex LabelSuffix();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
