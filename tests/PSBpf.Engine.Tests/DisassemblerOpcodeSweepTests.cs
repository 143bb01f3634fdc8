using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Every opcode byte, with a spread of registers, offsets and immediates, against llvm-mc-14 --disassemble (LLVM's
/// BPF decoder, the one llvm-objdump-14 uses). Where LLVM 14 decodes an encoding, the text must be equal (whitespace
/// collapsed); where we print &lt;unknown&gt;, LLVM 14 must reject it too. Encodings newer than LLVM 14 (which it
/// rejects and we decode) must be in the documented list below. Documented differences, not compared:
/// callx (LLVM 14 takes the register from imm; the kernel and later LLVM from dst_reg), and ALU encodings with a
/// nonzero off (LLVM 14 ignores off; cpu v4 made off select sdiv/smod/movsx, which we decode).
/// 32-bit atomics are compared with LLVM's alu32 decoder, except the plain add it decodes in its default table.
/// </summary>
public partial class DisassemblerOpcodeSweepTests
{
    /// <summary>Opcodes LLVM 14 predates (cpu v4, jset, may_goto, gotox, ST immediate stores, 32-bit atomics beyond add).</summary>
    private static readonly HashSet<byte> NewerThanLlvm14 =
    [
        0x62, 0x6a, 0x72, 0x7a,             // BPF_ST | BPF_MEM: *(u32 *)(r1 + 0) = imm
        0x94, 0x97, 0x9c, 0x9f,             // mod (LLVM 14 lowers % itself)
        0x45, 0x4d, 0x46, 0x4e,             // jset
        0x81, 0x89, 0x91,                   // memsx loads
        0xd7,                               // bswap
        0x06,                               // gotol
        0xe5,                               // may_goto
        0x0d,                               // gotox
        0xc3,                               // 32-bit atomics other than add (decoded by LLVM 14 only with alu32)
    ];

    private static readonly int[] Immediates = [0, -7, 1, 16, 32, 64, int.MaxValue, int.MinValue];
    private static readonly int[] AtomicImmediates = [0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1];
    private static readonly short[] Offsets = [0, 5, -4, short.MinValue];
    private static readonly (byte Dst, byte Src)[] Registers = [(1, 2), (10, 0)];

    [Fact]
    public void EveryOpcodeMatchesLlvmMc()
    {
        var cases = Cases().ToList();
        var plain = LlvmMc(cases, alu32: false);
        var alu32 = LlvmMc(cases, alu32: true);
        int equal = 0, newer = 0;
        var failures = new List<string>();
        for (int n = 0; n < cases.Count; n++)
        {
            var insns = cases[n];
            var first = insns[0];
            string ours = BpfDisassembler.Format(insns, 0);
            bool atomic32 = first.Opcode == 0xc3 && first.Immediate != 0;
            string? llvm = atomic32 ? alu32[n] : plain[n];
            string what = $"{Hex(insns)}: ours '{ours}', llvm-mc-14 '{llvm ?? "invalid"}'";
            if (ours == "<unknown>")
            {
                if (llvm is not null) failures.Add(what);
                continue;
            }

            if (llvm is null)
            {
                if (!NewerThanLlvm14.Contains(first.Opcode)) failures.Add("LLVM 14 rejects an encoding not listed as newer: " + what);
                newer++;
                continue;
            }

            if (ours != llvm) failures.Add(what);
            else equal++;
        }

        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n" + string.Join('\n', failures.Take(400)));
        Assert.True(equal > 3000, $"only {equal} encodings compared");
        Assert.True(newer > 0);
    }

    private static IEnumerable<BpfInstruction[]> Cases()
    {
        for (int op = 0; op < 256; op++)
        {
            byte code = (byte)op;
            if (code == BpfInstruction.LoadImm64Opcode || code == 0x8d) continue;
            bool alu = (code & 7) is 4 or 7;
            int[] imms = code is 0xc3 or 0xdb ? AtomicImmediates : Immediates;
            foreach (var (dst, src) in Registers)
            foreach (var off in alu ? [(short)0] : Offsets)
            foreach (var imm in imms)
            {
                yield return [new BpfInstruction(code, dst, src, off, imm)];
            }
        }

        // ld_imm64: plain 64-bit constants, and every pseudo src_reg (which LLVM prints as ld_pseudo).
        for (byte src = 0; src <= 6; src++)
        {
            foreach (var (lo, hi) in new[] { (0, 0), (7, 1), (-7, -1), (int.MinValue, int.MaxValue) })
            {
                yield return [new BpfInstruction(0x18, 1, src, 0, lo), new BpfInstruction(0, 0, 0, 0, hi)];
            }
        }
    }

    /// <summary>llvm-mc's text per case (null where it reports an invalid encoding); one input line per case.</summary>
    private static string?[] LlvmMc(List<BpfInstruction[]> cases, bool alu32)
    {
        var input = new StringBuilder();
        foreach (var c in cases) input.Append(string.Join(' ', Bytes(c).Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture)))).Append('\n');
        var file = Path.Combine(Path.GetTempPath(), $"psbpf-disasm-{Environment.ProcessId}-{alu32}.txt");
        File.WriteAllText(file, input.ToString());
        try
        {
            string[] args = alu32 ? ["--disassemble", "-triple=bpfel", "-mattr=+alu32", file] : ["--disassemble", "-triple=bpfel", file];
            var (_, stdout, stderr) = Sh.Capture("llvm-mc-14", args);
            var invalid = Warning().Matches(stderr).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1).ToHashSet();
            var texts = stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l != ".text").ToArray();
            var result = new string?[cases.Count];
            int next = 0;
            for (int i = 0; i < cases.Count; i++)
            {
                if (!invalid.Contains(i)) result[i] = Space().Replace(texts[next++], " ");
            }

            Assert.Equal(texts.Length, next);
            return result;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static byte[] Bytes(BpfInstruction[] insns)
    {
        var bytes = new byte[insns.Length * BpfInstruction.Size];
        for (int i = 0; i < insns.Length; i++) insns[i].Encode(bytes.AsSpan(i * BpfInstruction.Size));
        return bytes;
    }

    private static string Hex(BpfInstruction[] insns) => Convert.ToHexString(Bytes(insns)).ToLowerInvariant();

    [GeneratedRegex(@":(\d+):\d+: warning: invalid instruction encoding")]
    private static partial Regex Warning();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
