using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Random bytes never make the disassembler throw. Decided rendering of what has no meaning: llvm style prints
/// llvm-objdump's "&lt;unknown&gt;" (also for an ld_imm64 whose second slot is missing); bpftool style prints the kernel
/// verifier's "BUG_ld_xx"/"BUG_ldx_xx"/"BUG_st_xx"/"BUG_xx" markers, or "(xx) invalid" for operators the kernel has no name for.
/// </summary>
public class DisassemblerFuzzTests
{
    [Fact]
    public void RandomInstructionsNeverThrow()
    {
        var random = new Random(20261122);
        var bytes = new byte[8 * 64];
        for (int round = 0; round < 2000; round++)
        {
            random.NextBytes(bytes);
            // Bias some slots towards ld_imm64 and calls, which read a second slot or resolve names.
            for (int s = 0; s < 64; s += 7) bytes[s * 8] = (byte)(s % 2 == 0 ? BpfInstruction.LoadImm64Opcode : BpfInstruction.CallOpcode);
            var insns = BpfInstruction.DecodeAll(bytes);
            foreach (var style in new[] { BpfDisassemblyStyle.Llvm, BpfDisassemblyStyle.Bpftool })
            {
                var lines = BpfDisassembler.Disassemble(insns, style);
                Assert.All(lines, l => Assert.False(string.IsNullOrWhiteSpace(l.Text)));
                for (int i = 0; i < insns.Length; i++) Assert.False(string.IsNullOrEmpty(BpfDisassembler.Format(insns, i, style)));
            }
        }
    }

    [Fact]
    public void EveryOpcodeWithEveryRegisterNibbleFormats()
    {
        foreach (var style in new[] { BpfDisassemblyStyle.Llvm, BpfDisassemblyStyle.Bpftool })
        for (int code = 0; code < 256; code++)
        for (int regs = 0; regs < 256; regs += 17)
        {
            var insn = BpfInstruction.Decode([(byte)code, (byte)regs, 0xff, 0x7f, 0x00, 0x01, 0x00, 0x80]);
            Assert.False(string.IsNullOrEmpty(BpfDisassembler.Format([insn], 0, style)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0, 0, 0, 0, 0, 0, 0 }, "<unknown>", "BUG_ld_00")]
    [InlineData(new byte[] { 0x18, 0x01, 0, 0, 7, 0, 0, 0 }, "<unknown>", "BUG_ld_18")] // ld_imm64 without its second slot
    [InlineData(new byte[] { 0x19, 0, 0, 0, 0, 0, 0, 0 }, "<unknown>", "BUG_ldx_19")]
    [InlineData(new byte[] { 0x42, 0, 0, 0, 0, 0, 0, 0 }, "<unknown>", "BUG_st_42")]
    [InlineData(new byte[] { 0xa3, 0, 0, 0, 0, 0, 0, 0 }, "<unknown>", "BUG_a3")]
    [InlineData(new byte[] { 0xf7, 0x01, 0, 0, 0, 0, 0, 0 }, "<unknown>", "(f7) invalid")]
    [InlineData(new byte[] { 0xf5, 0x01, 0, 0, 0, 0, 0, 0 }, "<unknown>", "(f5) invalid")]
    public void MeaninglessEncodingsPrintAsDocumented(byte[] slot, string llvm, string bpftool)
    {
        var insns = BpfInstruction.DecodeAll(slot);
        Assert.Equal(llvm, BpfDisassembler.Format(insns, 0));
        Assert.Equal(bpftool, BpfDisassembler.Format(insns, 0, BpfDisassemblyStyle.Bpftool));
    }

    [Fact]
    public void FormatRejectsAnIndexOutsideTheProgram()
    {
        var insns = BpfInstruction.DecodeAll(new byte[8]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BpfDisassembler.Format(insns, 1));
        Assert.Contains("1 instruction slots", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Encodings newer than LLVM 14, in the syntax later LLVM releases and the kernel print (spot checks of the v4 set).</summary>
    [Theory]
    [InlineData(new byte[] { 0x3f, 0x21, 1, 0, 0, 0, 0, 0 }, "r1 s/= r2", "(3f) r1 s/= r2")]
    [InlineData(new byte[] { 0x97, 0x01, 1, 0, 7, 0, 0, 0 }, "r1 s%= 7", "(97) r1 s%= 7")]
    [InlineData(new byte[] { 0xbf, 0x21, 8, 0, 0, 0, 0, 0 }, "r1 = (s8)r2", "(bf) r1 = (s8)r2")]
    [InlineData(new byte[] { 0xbc, 0x21, 16, 0, 0, 0, 0, 0 }, "w1 = (s16)w2", "(bc) w1 = (s16)w2")]
    [InlineData(new byte[] { 0x91, 0x21, 0xfc, 0xff, 0, 0, 0, 0 }, "r1 = *(s8 *)(r2 - 4)", "(91) r1 = *(s8 *)(r2 -4)")]
    [InlineData(new byte[] { 0xd7, 0x01, 0, 0, 32, 0, 0, 0 }, "r1 = bswap32 r1", "(d7) r1 = bswap32 r1")]
    [InlineData(new byte[] { 0x06, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff }, "gotol -2", "(06) gotol pc-2")]
    [InlineData(new byte[] { 0xe5, 0, 3, 0, 0, 0, 0, 0 }, "may_goto +3", "(e5) may_goto pc+3")]
    [InlineData(new byte[] { 0x7a, 0x0a, 0xf8, 0xff, 5, 0, 0, 0 }, "*(u64 *)(r10 - 8) = 5", "(7a) *(u64 *)(r10 -8) = 5")]
    [InlineData(new byte[] { 0xdb, 0x21, 0, 0, 0x00, 0x01, 0, 0 }, "r1 = load_acquire((u64 *)(r2 + 0))", "(db) r1 = load_acquire((u64 *)(r2 +0))")]
    [InlineData(new byte[] { 0xd3, 0x21, 0, 0, 0x10, 0x01, 0, 0 }, "store_release((u8 *)(r1 + 0), w2)", "(d3) store_release((u8 *)(r1 +0), r2)")]
    [InlineData(new byte[] { 0xc3, 0x21, 0, 0, 0xf1, 0, 0, 0 }, "w0 = cmpxchg32_32(r1 + 0, w0, w2)", "(c3) r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)")]
    [InlineData(new byte[] { 0xdb, 0x21, 0, 0, 0xa1, 0, 0, 0 }, "r2 = atomic_fetch_xor((u64 *)(r1 + 0), r2)", "(db) r2 = atomic64_fetch_xor((u64 *)(r1 +0), r2)")]
    [InlineData(new byte[] { 0x85, 0x20, 0, 0, 0x10, 0, 0, 0 }, "call 16", "(85) call")]
    public void NewerEncodings(byte[] slot, string llvm, string bpftool)
    {
        var insns = BpfInstruction.DecodeAll(slot);
        Assert.Equal(llvm, BpfDisassembler.Format(insns, 0));
        Assert.StartsWith(bpftool, BpfDisassembler.Format(insns, 0, BpfDisassemblyStyle.Bpftool), StringComparison.Ordinal);
    }
}
