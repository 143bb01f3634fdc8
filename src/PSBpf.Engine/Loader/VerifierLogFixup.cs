using System.Text.RegularExpressions;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Explains the verifier's complaint about an instruction the loader poisoned, as libbpf's fixup_verifier_log does:
/// "N: (85) call unknown#195896080 / invalid func unknown#195896080" becomes the CO-RE relocation that failed,
/// and the kfunc poison becomes the kfunc that was not resolved.
/// </summary>
internal static partial class VerifierLogFixup
{
    private const long CorePoison = 0xbad2310;

    [GeneratedRegex(@"^(\d+): \(85\) call unknown#(\d+)$")]
    private static partial Regex PoisonedCall();

    public static string Apply(string log, LinkedProgram linked, IReadOnlyList<CoreRelocationResult> core, BpfObject obj)
    {
        var lines = log.Split('\n').ToList();
        int first = Math.Max(0, lines.Count - 12);
        for (int i = lines.Count - 2; i >= first; i--)
        {
            var m = PoisonedCall().Match(lines[i]);
            if (!m.Success || !lines[i + 1].StartsWith("invalid func unknown#" + m.Groups[2].Value, StringComparison.Ordinal)) continue;
            int insn = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            long code = long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            string? patch = null;
            if (code == CorePoison && FindCore(insn, linked, core) is { } r)
            {
                patch = $"{insn}: <invalid CO-RE relocation>\nfailed to resolve CO-RE relocation {r.LocalSpec}";
            }
            else if (code >= ExternResolver.PoisonKfuncCallBase && code - ExternResolver.PoisonKfuncCallBase < obj.Externs.Count)
            {
                patch = $"{insn}: <invalid kfunc call>\nkfunc '{obj.Externs[(int)(code - ExternResolver.PoisonKfuncCallBase)].Name}' is referenced but wasn't resolved";
            }

            if (patch is null) continue;
            lines.RemoveRange(i, 2);
            lines.InsertRange(i, patch.Split('\n'));
            break;
        }

        return string.Join('\n', lines);
    }

    private static CoreRelocationResult? FindCore(int insn, LinkedProgram linked, IReadOnlyList<CoreRelocationResult> core)
    {
        foreach (var (fn, start) in linked.Offsets)
        {
            if (insn < start || insn >= start + fn.InstructionCount) continue;
            return core.FirstOrDefault(r => r.Program == fn.Name && r.InstructionIndex == insn - start && r.Poisoned);
        }

        return null;
    }
}
