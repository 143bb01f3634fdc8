using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Writes a computed relocation into the instruction it belongs to (libbpf's bpf_core_patch_insn):
/// the immediate of ALU/ALU64 K instructions, the offset (and possibly the size) of LDX/ST/STX, the
/// 64-bit immediate of ld_imm64; or replaces the instruction with a poisoned call.
/// </summary>
internal static class CoreInstructionPatcher
{
    /// <summary>Helper id of the poisoned call: 0xbad2310 ("bad relo"); the verifier reports "invalid func unknown#195896080".</summary>
    public const int PoisonHelperId = 0xbad2310;

    private const byte ClassLd = 0x00, ClassLdx = 0x01, ClassSt = 0x02, ClassStx = 0x03, ClassAlu = 0x04, ClassAlu64 = 0x07;
    private const byte SourceMask = 0x08, SizeMask = 0x18, ModeMask = 0xe0;

    /// <summary>The poisoned instruction: call 0xbad2310 with all other fields zero.</summary>
    public static BpfInstruction PoisonInstruction { get; } = new(BpfInstruction.CallOpcode, 0, 0, 0, PoisonHelperId);

    /// <summary>
    /// Patches <paramref name="insns"/>[<paramref name="index"/>]. Log lines (libbpf's debug messages, without the
    /// "prog 'X': relo #N: " prefix) go to <paramref name="log"/>. Returns whether the instruction ended up poisoned.
    /// </summary>
    public static bool Patch(BpfInstruction[] insns, int index, in CoreRelocationValue res, Action<string>? log)
    {
        var insn = insns[index];
        if (res.Poison)
        {
            Poison(insns, index, log);
            return true;
        }

        ulong orig = res.OriginalValue, next = res.NewValue;
        switch (insn.Class)
        {
            case ClassAlu or ClassAlu64:
            {
                if ((insn.Opcode & SourceMask) != 0)
                {
                    throw CoreFailure.Invalid($"insn #{index} (ALU/ALU64) uses a register source, not an immediate");
                }

                // C compares the __s32 imm widened to 64 bits with the expected value.
                ulong current = (ulong)(long)insn.Immediate;
                if (res.Validate && current != orig)
                {
                    throw CoreFailure.Invalid($"unexpected insn #{index} (ALU/ALU64) value: got {insn.Immediate}, exp {orig} -> {next}");
                }

                insns[index] = insn with { Immediate = unchecked((int)next) };
                log?.Invoke($"patched insn #{index} (ALU/ALU64) imm {current} -> {next}");
                return false;
            }

            case ClassLdx or ClassSt or ClassStx:
            {
                ulong current = (ulong)(long)insn.Offset;
                if (res.Validate && current != orig)
                {
                    throw CoreFailure.Invalid($"unexpected insn #{index} (LDX/ST/STX) value: got {insn.Offset}, exp {orig} -> {next}");
                }

                if (next > (ulong)short.MaxValue)
                {
                    throw new CoreFailure(CoreFailure.ERANGE, $"insn #{index} (LDX/ST/STX) value too big: {next}");
                }

                if (res.FailMemorySizeAdjust)
                {
                    // libbpf warns and poisons rather than loading a resized value that would read wrong.
                    log?.Invoke($"insn #{index} (LDX/ST/STX) accesses field incorrectly. Make sure you are accessing pointers, unsigned integers, or fields of matching type and size.");
                    Poison(insns, index, log);
                    return true;
                }

                insn = insn with { Offset = (short)next };
                insns[index] = insn;
                log?.Invoke($"patched insn #{index} (LDX/ST/STX) off {current} -> {next}");

                if (res.NewSize != res.OriginalSize)
                {
                    int bytes = SizeBytes(insn.Opcode);
                    if (bytes != res.OriginalSize)
                    {
                        throw CoreFailure.Invalid($"insn #{index} (LDX/ST/STX) unexpected mem size: got {bytes}, exp {res.OriginalSize}");
                    }

                    byte size = res.NewSize switch
                    {
                        8 => 0x18,
                        4 => 0x00,
                        2 => 0x08,
                        1 => 0x10,
                        _ => throw CoreFailure.Invalid($"insn #{index} (LDX/ST/STX) invalid new mem size: {res.NewSize}"),
                    };
                    insns[index] = insn with { Opcode = (byte)((insn.Opcode & ModeMask) | size | insn.Class) };
                    log?.Invoke($"patched insn #{index} (LDX/ST/STX) mem_sz {res.OriginalSize} -> {res.NewSize}");
                }

                return false;
            }

            case ClassLd:
            {
                if (!insn.IsLoadImm64 || index + 1 >= insns.Length || insn.Source != 0 || insn.Offset != 0
                    || insns[index + 1] is not { Opcode: 0, Destination: 0, Source: 0, Offset: 0 })
                {
                    throw CoreFailure.Invalid($"insn #{index} (LDIMM64) has unexpected form");
                }

                var hi = insns[index + 1];
                ulong current = (uint)insn.Immediate | ((ulong)(uint)hi.Immediate << 32);
                if (res.Validate && current != orig)
                {
                    throw CoreFailure.Invalid($"unexpected insn #{index} (LDIMM64) value: got {current}, exp {orig} -> {next}");
                }

                insns[index] = insn with { Immediate = unchecked((int)next) };
                insns[index + 1] = hi with { Immediate = unchecked((int)(next >> 32)) };
                log?.Invoke($"patched insn #{index} (LDIMM64) imm64 {current} -> {next}");
                return false;
            }

            default:
                throw CoreFailure.Invalid(
                    $"trying to relocate unrecognized insn #{index}, code:0x{insn.Opcode:x}, src:0x{insn.Source:x}, dst:0x{insn.Destination:x}, off:0x{(ushort)insn.Offset:x}, imm:0x{(uint)insn.Immediate:x}");
        }
    }

    /// <summary>
    /// Replaces the instruction with the poisoned call; for ld_imm64 the second slot is poisoned first, so the
    /// verifier does not stop at a confusing "unknown opcode 00" before reaching the meaningful one.
    /// </summary>
    private static void Poison(BpfInstruction[] insns, int index, Action<string>? log)
    {
        if (insns[index].IsLoadImm64 && index + 1 < insns.Length)
        {
            log?.Invoke($"substituting insn #{index + 1} w/ invalid insn");
            insns[index + 1] = PoisonInstruction;
        }

        log?.Invoke($"substituting insn #{index} w/ invalid insn");
        insns[index] = PoisonInstruction;
    }

    /// <summary>insn_bpf_size_to_bytes.</summary>
    private static int SizeBytes(byte opcode) => (opcode & SizeMask) switch
    {
        0x18 => 8,
        0x00 => 4,
        0x08 => 2,
        _ => 1,
    };
}
