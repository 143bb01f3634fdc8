using System.Globalization;
using static PSBpf.Engine.Asm.BpfOpcode;

namespace PSBpf.Engine.Asm;

/// <summary>
/// llvm-objdump's BPF syntax. llvm-objdump-14 is the reference for everything it decodes (its default, non-alu32
/// mode, as objdump uses for object files); for encodings newer than LLVM 14 (cpu v4: sdiv/smod, movsx, memsx,
/// bswap, gotol, ST immediate stores; may_goto, jset, load-acquire/store-release, 32-bit atomics) the syntax is the
/// one later LLVM releases print. Encodings no LLVM decodes print as <c>&lt;unknown&gt;</c>, as llvm-objdump does.
/// </summary>
internal static class LlvmSyntax
{
    public const string Unknown = "<unknown>";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(ReadOnlySpan<BpfInstruction> insns, int index)
    {
        var i = insns[index];
        return Class(i.Opcode) switch
        {
            ClassAlu or ClassAlu64 => Alu(i),
            ClassJmp or ClassJmp32 => Jump(i),
            ClassLd => Ld(insns, index),
            ClassLdx => Ldx(i),
            ClassSt => St(i),
            _ => Stx(i),
        };
    }

    private static string Alu(BpfInstruction i)
    {
        bool is64 = Class(i.Opcode) == ClassAlu64;
        char r = is64 ? 'r' : 'w';
        bool x = IsX(i.Opcode);
        string dst = $"{r}{i.Destination}";
        string src = x ? $"{r}{i.Source}" : I(i.Immediate);
        switch (Op(i.Opcode))
        {
            case OpEnd:
                if (i.Immediate is not (16 or 32 or 64)) return Unknown;
                if (is64) return x ? Unknown : $"r{i.Destination} = bswap{i.Immediate} r{i.Destination}";
                return $"r{i.Destination} = {(x ? "be" : "le")}{i.Immediate} r{i.Destination}";
            case OpNeg:
                return x ? Unknown : $"{dst} = -{dst}";
            case OpMov:
                if (!x || i.Offset == 0) return $"{dst} = {src}";
                if (i.Offset is 8 or 16 || (is64 && i.Offset == 32)) return $"{dst} = (s{i.Offset}){src}";
                if (is64 && i.Offset == AddrSpaceCast) return $"r{i.Destination} = addr_space_cast(r{i.Source}, {(uint)i.Immediate >> 16}, {(ushort)i.Immediate})";
                return Unknown;
            case OpDiv or OpMod:
                string op = Op(i.Opcode) == OpDiv ? "/=" : "%=";
                return i.Offset switch { 0 => $"{dst} {op} {src}", 1 => $"{dst} s{op} {src}", _ => Unknown };
            case 0xe0 or 0xf0:
                return Unknown;
            default:
                return $"{dst} {AluOperator(Op(i.Opcode))} {src}";
        }
    }

    internal static string AluOperator(int op) => op switch
    {
        OpAdd => "+=", OpSub => "-=", OpMul => "*=", OpDiv => "/=", OpOr => "|=", OpAnd => "&=", OpLsh => "<<=",
        OpRsh => ">>=", OpMod => "%=", OpXor => "^=", OpMov => "=", OpArsh => "s>>=", _ => "?",
    };

    /// <summary>Comparison of a conditional jump, or null for opcodes that are not one.</summary>
    internal static string? JumpOperator(int op) => op switch
    {
        0x10 => "==", 0x20 => ">", 0x30 => ">=", JmpJset => "&", 0x50 => "!=", 0x60 => "s>", 0x70 => "s>=",
        0xa0 => "<", 0xb0 => "<=", 0xc0 => "s<", 0xd0 => "s<=", _ => null,
    };

    private static string Jump(BpfInstruction i)
    {
        bool is32 = Class(i.Opcode) == ClassJmp32;
        bool x = IsX(i.Opcode);
        int op = Op(i.Opcode);
        switch (op)
        {
            case JmpJa:
                if (is32) return x ? Unknown : $"gotol {Rel(i.Immediate)}";
                return x ? $"gotox r{i.Destination}" : $"goto {Rel(i.Offset)}";
            case JmpCall:
                if (is32) return Unknown;
                return x ? $"callx r{i.Destination}" : $"call {I(i.Immediate)}";
            case JmpExit:
                // LLVM's exit has imm fixed at zero (registers and off are not looked at).
                return is32 || x || i.Immediate != 0 ? Unknown : "exit";
            case JmpCond:
                return is32 || x || i.Source != 0 ? Unknown : $"may_goto {Rel(i.Offset)}";
        }

        var cmp = JumpOperator(op);
        if (cmp is null) return Unknown;
        char r = is32 ? 'w' : 'r';
        return $"if {r}{i.Destination} {cmp} {(x ? $"{r}{i.Source}" : I(i.Immediate))} goto {Rel(i.Offset)}";
    }

    private static string Ld(ReadOnlySpan<BpfInstruction> insns, int index)
    {
        var i = insns[index];
        int size = Size(i.Opcode);
        switch (Mode(i.Opcode))
        {
            case ModeImm when size == SizeDw:
                if (index + 1 >= insns.Length) return Unknown;
                if (i.Source != 0) return $"ld_pseudo r{i.Destination}, {i.Source}, {((uint)i.Immediate).ToString(Inv)}";
                long value = (long)(((ulong)(uint)insns[index + 1].Immediate << 32) | (uint)i.Immediate);
                return $"r{i.Destination} = {value.ToString(Inv)} ll";
            case ModeAbs when size != SizeDw:
                return $"r0 = *(u{Bits(size)} *)skb[{I(i.Immediate)}]";
            case ModeInd when size != SizeDw:
                return $"r0 = *(u{Bits(size)} *)skb[r{i.Source}]";
            default:
                return Unknown;
        }
    }

    private static string Ldx(BpfInstruction i) => Mode(i.Opcode) switch
    {
        ModeMem => $"r{i.Destination} = *(u{Bits(Size(i.Opcode))} *){Address(i.Source, i.Offset)}",
        ModeMemSx when Size(i.Opcode) != SizeDw => $"r{i.Destination} = *(s{Bits(Size(i.Opcode))} *){Address(i.Source, i.Offset)}",
        _ => Unknown,
    };

    private static string St(BpfInstruction i) => Mode(i.Opcode) == ModeMem
        ? $"*(u{Bits(Size(i.Opcode))} *){Address(i.Destination, i.Offset)} = {I(i.Immediate)}"
        : Unknown;

    private static string Stx(BpfInstruction i)
    {
        int size = Size(i.Opcode);
        int bits = Bits(size);
        if (Mode(i.Opcode) == ModeMem) return $"*(u{bits} *){Address(i.Destination, i.Offset)} = r{i.Source}";
        if (Mode(i.Opcode) != ModeAtomic) return Unknown;

        string addr = Address(i.Destination, i.Offset);
        string plain = addr[1..^1]; // xchg/cmpxchg print the address without parentheses
        char r = size == SizeDw ? 'r' : 'w';
        switch (i.Immediate)
        {
            case AtomicLoadAcquire:
                return $"{r}{i.Destination} = load_acquire((u{bits} *){Address(i.Source, i.Offset)})";
            case AtomicStoreRelease:
                return $"store_release((u{bits} *){addr}, {r}{i.Source})";
        }

        if (size is not (SizeW or SizeDw)) return Unknown;
        switch (i.Immediate)
        {
            // LLVM 14 decodes the 32-bit add without fetch in its default table, with a 64-bit register name.
            case OpAdd when size == SizeW:
                return $"lock *(u32 *){addr} += r{i.Source}";
            case OpAdd or OpOr or OpAnd or OpXor:
                return $"lock *(u{bits} *){addr} {AluOperator(i.Immediate)} {r}{i.Source}";
            case OpAdd | AtomicFetch or OpOr | AtomicFetch or OpAnd | AtomicFetch or OpXor | AtomicFetch:
                return $"{r}{i.Source} = atomic_fetch_{AtomicName(i.Immediate & 0xf0)}((u{bits} *){addr}, {r}{i.Source})";
            case AtomicXchg:
                return size == SizeDw ? $"r{i.Source} = xchg_64({plain}, r{i.Source})" : $"w{i.Source} = xchg32_32({plain}, w{i.Source})";
            case AtomicCmpXchg:
                return size == SizeDw ? $"r0 = cmpxchg_64({plain}, r0, r{i.Source})" : $"w0 = cmpxchg32_32({plain}, w0, w{i.Source})";
            default:
                return Unknown;
        }
    }

    internal static string AtomicName(int op) => op switch { OpAdd => "add", OpOr => "or", OpAnd => "and", _ => "xor" };

    private static string Address(int reg, short off) =>
        off < 0 ? $"(r{reg} - {(-(int)off).ToString(Inv)})" : $"(r{reg} + {off.ToString(Inv)})";

    private static string Rel(int off) => off < 0 ? off.ToString(Inv) : "+" + off.ToString(Inv);

    private static string I(int value) => value.ToString(Inv);
}
