using System.Globalization;
using static PSBpf.Engine.Asm.BpfOpcode;

namespace PSBpf.Engine.Asm;

/// <summary>
/// bpftool's syntax, which is the kernel verifier's (kernel/bpf/disasm.c) with bpftool's names for calls and
/// ld_imm64 operands (map[id:N], map[id:N][0]+off, subprog[+N], helper and kernel symbol names with #imm).
/// Encodings the kernel has no text for print as the kernel's BUG_ markers, or <c>invalid</c>.
/// </summary>
internal static class BpftoolSyntax
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(ReadOnlySpan<BpfInstruction> insns, int index, IBpfCallNames names)
    {
        var i = insns[index];
        string body = Class(i.Opcode) switch
        {
            ClassAlu or ClassAlu64 => Alu(i),
            ClassJmp or ClassJmp32 => Jump(i, names),
            ClassLd => Ld(insns, index),
            ClassLdx => Ldx(i),
            ClassSt => St(i),
            _ => Stx(i),
        };
        return body.StartsWith("BUG_", StringComparison.Ordinal) ? body : $"({i.Opcode:x2}) {body}";
    }

    private static string Alu(BpfInstruction i)
    {
        bool is64 = Class(i.Opcode) == ClassAlu64;
        char r = is64 ? 'r' : 'w';
        int op = Op(i.Opcode);
        if (op == OpEnd)
        {
            return is64 ? $"r{i.Destination} = bswap{I(i.Immediate)} r{i.Destination}"
                : $"r{i.Destination} = {(IsX(i.Opcode) ? "be" : "le")}{I(i.Immediate)} r{i.Destination}";
        }

        if (op == OpNeg) return $"{r}{i.Destination} = -{r}{i.Destination}";
        if (i.Opcode == (ClassAlu64 | OpMov | SourceX) && i.Offset == AddrSpaceCast)
        {
            return $"r{i.Destination} = addr_space_cast(r{i.Source}, {((uint)i.Immediate >> 16).ToString(Inv)}, {((ushort)i.Immediate).ToString(Inv)})";
        }

        if (i.Opcode == (ClassAlu64 | OpMov | SourceX) && i.Offset == AddrPerCpu)
        {
            return $"r{i.Destination} = &(void __percpu *)(r{i.Source})";
        }

        string? name = op is 0xe0 or 0xf0 ? null
            : (op is OpDiv or OpMod) && i.Offset == 1 ? "s" + LlvmSyntax.AluOperator(op)
            : LlvmSyntax.AluOperator(op);
        if (name is null) return "invalid";
        if (!IsX(i.Opcode)) return $"{r}{i.Destination} {name} {I(i.Immediate)}";
        string cast = op == OpMov ? i.Offset switch { 8 => "(s8)", 16 => "(s16)", 32 => "(s32)", _ => "" } : "";
        return $"{r}{i.Destination} {name} {cast}{r}{i.Source}";
    }

    private static string Jump(BpfInstruction i, IBpfCallNames names)
    {
        bool is32 = Class(i.Opcode) == ClassJmp32;
        int op = Op(i.Opcode);
        if (op == JmpCall)
        {
            if (i.Source == PseudoCall) return $"call pc{names.PseudoCall(i)}";
            return $"call {names.Call(i)}#{I(i.Immediate)}";
        }

        if (i.Opcode == (ClassJmp | JmpJa)) return $"goto pc{Rel(i.Offset)}";
        if (i.Opcode == (ClassJmp | JmpJa | SourceX)) return $"gotox r{i.Destination}";
        if (i.Opcode == (ClassJmp | JmpCond) && i.Source == 0) return $"may_goto pc{Rel(i.Offset)}";
        if (i.Opcode == (ClassJmp32 | JmpJa)) return $"gotol pc{Rel(i.Immediate)}";
        if (i.Opcode == (ClassJmp | JmpExit)) return "exit";

        // Like the kernel, any other code prints as a comparison with its operator-table entry.
        string? cmp = op switch { JmpJa => "jmp", JmpExit => "exit", _ => LlvmSyntax.JumpOperator(op) };
        if (cmp is null) return "invalid";
        char r = is32 ? 'w' : 'r';
        return IsX(i.Opcode)
            ? $"if {r}{i.Destination} {cmp} {r}{i.Source} goto pc{Rel(i.Offset)}"
            : $"if {r}{i.Destination} {cmp} 0x{(uint)i.Immediate:x} goto pc{Rel(i.Offset)}";
    }

    private static string Ld(ReadOnlySpan<BpfInstruction> insns, int index)
    {
        var i = insns[index];
        int size = Size(i.Opcode);
        switch (Mode(i.Opcode))
        {
            case ModeAbs:
                return $"r0 = *({Type(size)} *)skb[{I(i.Immediate)}]";
            case ModeInd:
                return $"r0 = *({Type(size)} *)skb[r{i.Source} + {I(i.Immediate)}]";
            case ModeImm when size == SizeDw && index + 1 < insns.Length:
                int next = insns[index + 1].Immediate;
                ulong full = ((ulong)(uint)next << 32) | (uint)i.Immediate;
                string value = i.Source switch
                {
                    PseudoMapFd => $"map[id:{(uint)i.Immediate}]",
                    PseudoMapValue => $"map[id:{(uint)i.Immediate}][0]+{(uint)next}",
                    PseudoFunc => $"subprog[{Rel(i.Immediate)}]",
                    _ => $"0x{full:x}",
                };
                return $"r{i.Destination} = {value}";
            default:
                return $"BUG_ld_{i.Opcode:x2}";
        }
    }

    private static string Ldx(BpfInstruction i)
    {
        int mode = Mode(i.Opcode);
        if (mode != ModeMem && mode != ModeMemSx) return $"BUG_ldx_{i.Opcode:x2}";
        string type = mode == ModeMem ? Type(Size(i.Opcode)) : "s" + Bits(Size(i.Opcode)).ToString(Inv);
        return $"r{i.Destination} = *({type} *)(r{i.Source} {Rel(i.Offset)})";
    }

    private static string St(BpfInstruction i) => Mode(i.Opcode) switch
    {
        ModeMem => $"*({Type(Size(i.Opcode))} *)(r{i.Destination} {Rel(i.Offset)}) = {I(i.Immediate)}",
        ModeNoSpec => "nospec",
        _ => $"BUG_st_{i.Opcode:x2}",
    };

    private static string Stx(BpfInstruction i)
    {
        string type = Type(Size(i.Opcode));
        string addr = $"(r{i.Destination} {Rel(i.Offset)})";
        string w64 = Size(i.Opcode) == SizeDw ? "64" : "";
        if (Mode(i.Opcode) == ModeMem) return $"*({type} *){addr} = r{i.Source}";
        if (Mode(i.Opcode) != ModeAtomic) return $"BUG_{i.Opcode:x2}";
        return i.Immediate switch
        {
            OpAdd or OpAnd or OpOr or OpXor => $"lock *({type} *){addr} {LlvmSyntax.AluOperator(i.Immediate)} r{i.Source}",
            OpAdd | AtomicFetch or OpAnd | AtomicFetch or OpOr | AtomicFetch or OpXor | AtomicFetch =>
                $"r{i.Source} = atomic{w64}_fetch_{LlvmSyntax.AtomicName(i.Immediate & 0xf0)}(({type} *){addr}, r{i.Source})",
            AtomicCmpXchg => $"r0 = atomic{w64}_cmpxchg(({type} *){addr}, r0, r{i.Source})",
            AtomicXchg => $"r{i.Source} = atomic{w64}_xchg(({type} *){addr}, r{i.Source})",
            AtomicLoadAcquire => $"r{i.Destination} = load_acquire(({type} *)(r{i.Source} {Rel(i.Offset)}))",
            AtomicStoreRelease => $"store_release(({type} *){addr}, r{i.Source})",
            _ => $"BUG_{i.Opcode:x2}",
        };
    }

    private static string Type(int size) => "u" + Bits(size).ToString(Inv);

    private static string Rel(int off) => off < 0 ? off.ToString(Inv) : "+" + off.ToString(Inv);

    private static string I(int value) => value.ToString(Inv);
}
