using System.Globalization;
using PSBpf.Engine.Elf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Asm;

/// <summary>
/// Disassembles BPF instructions into llvm-objdump's or bpftool's text: an object's program as found in the ELF
/// (labels and relocations resolved like <c>llvm-objdump -d -r</c>), or a loaded program's translated instructions
/// as the kernel reports them (<c>bpftool prog dump xlated</c>), with helper, kfunc and map names resolved.
/// Any 8-byte pattern disassembles: encodings without a meaning print as llvm-objdump's <c>&lt;unknown&gt;</c>
/// (Llvm) or the kernel's <c>BUG_…</c>/<c>invalid</c> (Bpftool); nothing throws.
/// </summary>
public static class BpfDisassembler
{
    /// <summary>The text of the instruction at <paramref name="index"/> (ld_imm64 reads the following slot too); no names resolved.</summary>
    public static string Format(ReadOnlySpan<BpfInstruction> instructions, int index, BpfDisassemblyStyle style = BpfDisassemblyStyle.Llvm)
    {
        if ((uint)index >= (uint)instructions.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"there are {instructions.Length} instruction slots");
        return Text(instructions, index, style, BpfDisassemblyContext.Empty);
    }

    /// <summary>Disassembles raw instructions (helper names resolved from kernel BTF; nothing else to resolve).</summary>
    public static IReadOnlyList<BpfInstructionLine> Disassemble(ReadOnlySpan<BpfInstruction> instructions, BpfDisassemblyStyle style = BpfDisassemblyStyle.Llvm, string program = "") =>
        Lines(instructions, style, BpfDisassemblyContext.Empty, program);

    /// <summary>
    /// Disassembles an object's program as the ELF holds it (before relocation), like <c>llvm-objdump -d -r</c>: jump
    /// targets named by the section's labels, relocations annotated and resolved to maps, globals, subprograms and externs.
    /// </summary>
    public static IReadOnlyList<BpfInstructionLine> Disassemble(BpfProgram program, BpfDisassemblyStyle style = BpfDisassemblyStyle.Llvm)
    {
        ArgumentNullException.ThrowIfNull(program);
        var context = new BpfDisassemblyContext();
        AddLabels(program, context);
        AddRelocations(program, context);
        return Lines(program.InstructionArray, style, context, program.Name);
    }

    /// <summary>
    /// Disassembles a loaded program's instructions as the kernel translated them (after relocation, verifier rewrites
    /// and helper inlining), like <c>bpftool prog dump xlated</c>. Throws <see cref="BpfNotLoadedException"/> before load.
    /// </summary>
    public static IReadOnlyList<BpfInstructionLine> DisassembleXlated(BpfProgram program, BpfDisassemblyStyle style = BpfDisassemblyStyle.Bpftool)
    {
        ArgumentNullException.ThrowIfNull(program);
        var fd = program.LoadedFd();
        // the object's own names: the kernel keeps only the first 15 bytes of a map's name
        var own = program.Object.Maps.Where(m => m.Id is not null).ToDictionary(m => m.Id!.Value, string? (m) => m.Name);
        return Xlated(fd, program.Name, $"program '{program.Name}'", style, own);
    }

    /// <summary>
    /// Disassembles the translated instructions of any program in the kernel, by id; null when no program has that id
    /// (it may have been unloaded since it was listed).
    /// </summary>
    public static IReadOnlyList<BpfInstructionLine>? DisassembleKernelProgram(uint id, BpfDisassemblyStyle style = BpfDisassemblyStyle.Bpftool)
    {
        using var fd = Bpf.GetFdById(BpfCommand.ProgGetFdById, id);
        if (fd is null) return null;
        string name = ProgramName(fd);
        return Xlated(fd, name, $"program {id} ('{name}')", style, null);
    }

    private static unsafe string ProgramName(BpfFd fd)
    {
        var info = Bpf.ProgGetInfo(fd);
        return NativeText.CString(info.name, 16);
    }

    private static List<BpfInstructionLine> Xlated(BpfFd fd, string name, string subject, BpfDisassemblyStyle style, Dictionary<uint, string?>? knownMaps)
    {
        var bytes = Bpf.ProgGetXlated(fd, out _, out var jited)
            ?? throw new UnauthorizedAccessException($"the kernel returned no translated instructions for {subject}: it shows them only to CAP_SYS_ADMIN and hides them under kernel.kptr_restrict");
        var names = knownMaps ?? []; // filled in as the kernel names further maps
        var context = new BpfDisassemblyContext
        {
            Xlated = true,
            JitedSymbols = jited,
            Kallsyms = KernelSymbols.Covering(jited),
            MapName = id => names.TryGetValue(id, out var n) ? n : names[id] = BpfInspection.GetMap(id, includePids: false, includePinnedPaths: false)?.Name,
        };
        return Lines(BpfInstruction.DecodeAll(bytes), style, context, name);
    }

    private static List<BpfInstructionLine> Lines(ReadOnlySpan<BpfInstruction> insns, BpfDisassemblyStyle style, BpfDisassemblyContext context, string program)
    {
        var lines = new List<BpfInstructionLine>(insns.Length);
        Span<byte> raw = stackalloc byte[BpfInstruction.Size * 2];
        for (int i = 0; i < insns.Length; i++)
        {
            var insn = insns[i];
            bool wide = insn.IsLoadImm64 && i + 1 < insns.Length;
            insn.Encode(raw);
            if (wide) insns[i + 1].Encode(raw[BpfInstruction.Size..]);
            // A relocated call's imm is a placeholder until load; its callee is named by the relocation instead.
            int? jump = insn.IsCall && context.Relocations.ContainsKey(i) ? null : context.JumpTarget(insn, i);
            lines.Add(new BpfInstructionLine
            {
                Program = program,
                Offset = i,
                Opcode = insn.Opcode,
                Bytes = Hex(raw[..(wide ? 16 : 8)]),
                Text = Text(insns, i, style, context),
                JumpTarget = jump,
                Target = context.Target(insns, i, jump),
                Relocation = context.Relocations.TryGetValue(i, out var r) ? r.Relocation : null,
            });
            if (wide) i++;
        }

        return lines;
    }

    private static string Text(ReadOnlySpan<BpfInstruction> insns, int index, BpfDisassemblyStyle style, BpfDisassemblyContext context) => style switch
    {
        BpfDisassemblyStyle.Bpftool => BpftoolSyntax.Format(insns, index, context),
        _ => LlvmSyntax.Format(insns, index),
    };

    private static string Hex(ReadOnlySpan<byte> bytes) =>
        string.Join(' ', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static void AddLabels(BpfProgram program, BpfDisassemblyContext context)
    {
        foreach (var s in program.Object.Elf.Symbols)
        {
            if (s.SectionIndex != program.SectionIndex || s.Type is not (ElfSymbolType.NoType or ElfSymbolType.Func) || s.Name.Length == 0) continue;
            if (s.Value % BpfInstruction.Size != 0) continue;
            long slot = (long)(s.Value / BpfInstruction.Size) - program.SectionInstructionOffset;
            if (slot >= 0 && slot < program.InstructionCount) context.Labels.TryAdd((int)slot, s.Name);
        }
    }

    private static void AddRelocations(BpfProgram program, BpfDisassemblyContext context)
    {
        var insns = program.InstructionArray;
        foreach (var r in program.Relocations)
        {
            if ((uint)r.InstructionIndex >= (uint)insns.Length) continue;
            var insn = insns[r.InstructionIndex];
            bool call = r.Kind is BpfRelocationKind.Call or BpfRelocationKind.ExternCall;
            string text = $"{(call ? "R_BPF_64_32" : "R_BPF_64_64")} {r.SymbolName}";
            context.Relocations[r.InstructionIndex] = (text, RelocationTarget(program, r, insn));
        }
    }

    private static string? RelocationTarget(BpfProgram program, BpfRelocation r, BpfInstruction insn)
    {
        switch (r.Kind)
        {
            case BpfRelocationKind.MapReference:
                return r.MapName ?? r.SymbolName;
            case BpfRelocationKind.Data or BpfRelocationKind.ArenaData:
                // Section symbols (.rodata, .bss) carry the variable's offset in the instruction's imm.
                if (!r.SymbolName.StartsWith('.')) return r.SymbolName;
                return $"{r.MapName ?? r.SymbolName}+{(r.SymbolOffset + insn.Immediate).ToString(CultureInfo.InvariantCulture)}";
            case BpfRelocationKind.Call:
                return Subprogram(program.Object, r.SymbolSection, r.SymbolOffset / BpfInstruction.Size + insn.Immediate + 1) ?? r.SymbolName;
            case BpfRelocationKind.SubprogramAddress:
                return Subprogram(program.Object, r.SymbolSection, (r.SymbolOffset + insn.Immediate) / BpfInstruction.Size) ?? r.SymbolName;
            default:
                return r.ExternName ?? r.SymbolName;
        }
    }

    private static string? Subprogram(BpfObject obj, int section, long slot) =>
        obj.Subprograms.Concat(obj.Programs).FirstOrDefault(p => p.SectionIndex == section && p.SectionInstructionOffset == slot)?.Name;
}
