using System.Globalization;
using static PSBpf.Engine.Asm.BpfOpcode;

namespace PSBpf.Engine.Asm;

/// <summary>
/// What a disassembly resolves names against: labels and relocations of an object's program, or the map names and
/// JIT-compiled function symbols of a loaded program. Empty by default (raw instructions).
/// </summary>
internal sealed class BpfDisassemblyContext : IBpfCallNames
{
    public static BpfDisassemblyContext Empty => new();

    /// <summary>Symbol names at slot indexes within the program (labels, functions).</summary>
    public Dictionary<int, string> Labels { get; } = [];
    /// <summary>llvm-objdump -r text and resolved target per relocated slot.</summary>
    public Dictionary<int, (string Relocation, string? Target)> Relocations { get; } = [];
    /// <summary>Map names by kernel id (loaded programs).</summary>
    public Func<uint, string?> MapName { get; init; } = _ => null;
    /// <summary>Addresses of the JIT-compiled functions, indexed by a pseudo call's imm in xlated code.</summary>
    public ulong[] JitedSymbols { get; init; } = [];
    /// <summary>True for kernel-translated instructions, whose call imms are addresses rather than ids.</summary>
    public bool Xlated { get; init; }
    public KernelSymbols? Kallsyms { get; init; }

    public string Call(BpfInstruction call)
    {
        if (call.Source == 0 && BpfHelperNames.Get(call.Immediate) is { } helper) return "bpf_" + helper;
        ulong address = (Kallsyms?.CallBase ?? 0) + (ulong)(long)call.Immediate;
        return Kallsyms?.At(address) ?? $"0x{address:x}";
    }

    public string PseudoCall(BpfInstruction call)
    {
        string rel = Rel(call.Offset);
        if (!Xlated) return Rel(call.Immediate);
        if (JitedSymbols.Length == 0) return rel;
        ulong address = (uint)call.Immediate < (uint)JitedSymbols.Length ? JitedSymbols[call.Immediate] : (Kallsyms?.CallBase ?? 0) + (ulong)(long)call.Immediate;
        return Kallsyms?.At(address) is { } name ? $"{rel}#{name}" : $"{rel}#0x{address:x}";
    }

    /// <summary>Slot a branch or bpf-to-bpf call at <paramref name="index"/> goes to, or null.</summary>
    public int? JumpTarget(BpfInstruction i, int index)
    {
        int cls = Class(i.Opcode);
        if (cls is not (ClassJmp or ClassJmp32)) return null;
        int op = Op(i.Opcode);
        if (IsX(i.Opcode) && op is JmpJa or JmpCall) return null;
        if (op == JmpCall)
        {
            if (i.Source != BpfOpcode.PseudoCall || cls != ClassJmp) return null;
            // Xlated pseudo calls keep the relative target in off and the function index in imm (as bpftool reads them).
            return index + 1 + (Xlated ? i.Offset : i.Immediate);
        }

        if (op == JmpExit || LlvmSyntax.JumpOperator(op) is null && op is not (JmpJa or JmpCond)) return null;
        return index + 1 + (cls == ClassJmp32 && op == JmpJa ? i.Immediate : i.Offset);
    }

    /// <summary>What the instruction refers to, by name (see <see cref="BpfInstructionLine.Target"/>).</summary>
    public string? Target(ReadOnlySpan<BpfInstruction> insns, int index, int? jumpTarget)
    {
        if (Relocations.TryGetValue(index, out var reloc)) return reloc.Target;
        var i = insns[index];
        if (i.IsCall && i.Source is 0 or PseudoKfuncCall)
        {
            // Helper ids first (as bpftool does); translated code otherwise holds the callee's offset from __bpf_call_base.
            if (i.Source == 0 && BpfHelperNames.Get(i.Immediate) is { } helper) return "bpf_" + helper;
            if (Xlated) return Kallsyms?.Callee(i.Immediate);
            return i.Source == PseudoKfuncCall && i.Offset == 0 ? BpfKernelTypeNames.Get((uint)i.Immediate) : null;
        }

        if (i.IsLoadImm64 && index + 1 < insns.Length && Xlated)
        {
            uint id = (uint)i.Immediate;
            return i.Source switch
            {
                PseudoMapFd => MapName(id),
                PseudoMapValue => MapName(id) is { } n ? $"{n}+{((uint)insns[index + 1].Immediate).ToString(CultureInfo.InvariantCulture)}" : null,
                _ => null,
            };
        }

        if (i.IsLoadImm64 && i.Source == PseudoBtfId) return BpfKernelTypeNames.Get((uint)i.Immediate);
        if (jumpTarget is { } t)
        {
            if (Labels.TryGetValue(t, out var label)) return label;
            if (i.IsCall && Xlated && JitedSymbols.Length > 0 && (uint)i.Immediate < (uint)JitedSymbols.Length) return Kallsyms?.At(JitedSymbols[i.Immediate]);
        }

        return null;
    }

    private static string Rel(int off) => off < 0 ? off.ToString(CultureInfo.InvariantCulture) : "+" + off.ToString(CultureInfo.InvariantCulture);
}
