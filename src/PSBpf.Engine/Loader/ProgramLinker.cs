using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Appends the subprograms each program calls (or takes the address of) to its own instructions, depth-first in
/// the order of the calls, and points every call at the copy, as libbpf's bpf_object__reloc_code does; the program tag
/// depends on this exact layout.
/// </summary>
internal sealed class ProgramLinker
{
    /// <summary>src_reg marking ld_imm64 of a function address (BPF_PSEUDO_FUNC).</summary>
    public const byte PseudoFunc = 4;
    private readonly BpfObject _obj;
    private readonly IReadOnlyDictionary<BpfProgram, BpfInstruction[]> _code;

    /// <param name="obj">The object.</param>
    /// <param name="code">Each function's instructions after CO-RE (defaults to the ELF instructions).</param>
    public ProgramLinker(BpfObject obj, IReadOnlyDictionary<BpfProgram, BpfInstruction[]> code)
    {
        _obj = obj;
        _code = code;
    }

    public LinkedProgram Link(BpfProgram main)
    {
        var linked = new LinkedProgram(main);
        Append(linked, main);
        Relocate(linked, main);
        return linked;
    }

    private void Append(LinkedProgram linked, BpfProgram fn)
    {
        int start = linked.Instructions.Count;
        linked.Offsets[fn] = start;
        var code = _code.TryGetValue(fn, out var c) ? c : fn.InstructionArray;
        linked.Instructions.AddRange(code);
        foreach (var r in fn.Relocations)
        {
            if (r.Kind == BpfRelocationKind.SubprogramAddress)
            {
                var i = linked.Instructions[start + r.InstructionIndex];
                linked.Instructions[start + r.InstructionIndex] = i with { Source = PseudoFunc };
            }

            linked.Relocations.Add(r with { InstructionIndex = r.InstructionIndex + start });
        }
    }

    private void Relocate(LinkedProgram linked, BpfProgram fn)
    {
        int fnStart = linked.Offsets[fn];
        linked.FuncInfos.AddRange(fn.FuncInfos.Select(f => f with { InstructionOffset = f.InstructionOffset + fnStart }));
        linked.LineInfos.AddRange(fn.LineInfos.Select(l => l with { InstructionOffset = l.InstructionOffset + fnStart }));
        var relocs = fn.Relocations.ToDictionary(r => r.InstructionIndex);
        for (int idx = 0; idx < fn.InstructionCount; idx++)
        {
            var insn = linked.Instructions[fnStart + idx];
            bool isCall = insn.IsPseudoCall;
            bool isFuncAddr = insn.IsLoadImm64 && insn.Source == PseudoFunc;
            if (!isCall && !isFuncAddr) continue;
            relocs.TryGetValue(idx, out var relo);
            if (relo?.Kind == BpfRelocationKind.ExternCall) continue; // kfuncs are resolved with the externs

            int section, target;
            if (relo is { Kind: BpfRelocationKind.Call })
            {
                section = relo.SymbolSection;
                target = (int)(relo.SymbolOffset / BpfInstruction.Size) + insn.Immediate + 1;
            }
            else if (relo is { Kind: BpfRelocationKind.SubprogramAddress })
            {
                section = relo.SymbolSection;
                target = (int)((relo.SymbolOffset + insn.Immediate) / BpfInstruction.Size);
            }
            else if (relo is null && isCall)
            {
                section = fn.SectionIndex; // call within the same section: imm is pc-relative
                target = fn.SectionInstructionOffset + idx + insn.Immediate + 1;
            }
            else
            {
                throw new BpfLoadException(fn.Name, $"instruction {idx}: {(relo is null ? "function address without a relocation" : $"unexpected {relo.Kind} relocation on a call")}");
            }

            var callee = FindFunction(section, target)
                ?? throw new BpfLoadException(fn.Name, $"instruction {idx} calls instruction {target} of section {_obj.Elf.Sections[section].Name}, where no function starts");
            if (!linked.Offsets.ContainsKey(callee))
            {
                Append(linked, callee);
                Relocate(linked, callee);
            }

            int imm = linked.Offsets[callee] - (fnStart + idx) - 1;
            linked.Instructions[fnStart + idx] = linked.Instructions[fnStart + idx] with { Immediate = imm };
        }
    }

    private BpfProgram? FindFunction(int section, int insn)
    {
        foreach (var p in _obj.Subprograms.Concat(_obj.Programs))
        {
            if (p.SectionIndex == section && insn >= p.SectionInstructionOffset && insn < p.SectionInstructionOffset + p.InstructionCount)
            {
                return p;
            }
        }

        return null;
    }
}
