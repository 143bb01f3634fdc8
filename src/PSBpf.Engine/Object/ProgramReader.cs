using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// Finds every function symbol in every executable section: entry programs outside .text, subprograms in .text.
/// Program type, attach type and flags come from the section name (libbpf's section table).
/// </summary>
internal sealed class ProgramReader
{
    private readonly ObjectContext _ctx;

    public ProgramReader(ObjectContext ctx) => _ctx = ctx;

    public void Read()
    {
        foreach (var sec in _ctx.ExecSections)
        {
            AddFunctions(sec);
        }

        _ctx.Functions.Sort((a, b) => a.SectionIndex != b.SectionIndex
            ? a.SectionIndex.CompareTo(b.SectionIndex)
            : a.SectionInstructionOffset.CompareTo(b.SectionInstructionOffset));
        foreach (var p in _ctx.Functions)
        {
            if (!p.IsSubprogram)
            {
                ApplySectionDefinition(p);
            }

            AttachBtfExt(p);
            _ctx.Object.AddProgram(p);
        }
    }

    private void AddFunctions(ElfSection sec)
    {
        bool isText = sec.Index == _ctx.TextSection;
        bool autoLoad = !sec.Name.StartsWith('?');
        string sectionName = autoLoad ? sec.Name : sec.Name[1..];
        var data = sec.Data;
        foreach (var sym in _ctx.Symbols)
        {
            if (sym.SectionIndex != sec.Index || sym.Type != ElfSymbolType.Func)
            {
                continue;
            }

            if (sym.Value > (ulong)data.Length || sym.Size > (ulong)data.Length - sym.Value)
            {
                throw _ctx.Error(sec.Name, (long)Math.Min(sym.Value, long.MaxValue), $"program '{sym.Name}' ({sym.Size} bytes at offset {sym.Value}) crosses the end of the {data.Length}-byte section");
            }

            if (sym.Size == 0 || sym.Size % BpfInstruction.Size != 0 || sym.Value % BpfInstruction.Size != 0)
            {
                throw _ctx.Error(sec.Name, (long)sym.Value, $"corrupted program '{sym.Name}': offset {sym.Value} and size {sym.Size} must be non-zero multiples of 8 (one instruction)");
            }

            var insns = BpfInstruction.DecodeAll(data.Span.Slice((int)sym.Value, (int)sym.Size), _ctx.Elf.IsBigEndian);
            // A static function outside .text can only be a callee (libbpf refuses it; cilium/ebpf links it like a .text function).
            bool subprogram = isText || sym.Binding == ElfSymbolBinding.Local;
            var prog = new BpfProgram(_ctx.Object, sym.Name, sectionName, sec.Index, (int)(sym.Value / BpfInstruction.Size), insns, autoLoad, subprogram)
            {
                IsGlobalFunction = sym.Binding != ElfSymbolBinding.Local,
            };
            prog.MarkBtfStatic = prog.IsGlobalFunction && sym.IsHidden;
            _ctx.Functions.Add(prog);
        }
    }

    private static void ApplySectionDefinition(BpfProgram p)
    {
        var def = BpfSectionTable.Find(p.SectionName);
        p.SectionDefinition = def;
        if (def is null)
        {
            p.Type = BpfProgramType.unspec; // libbpf leaves unknown sections for the user to set a type
            return;
        }

        p.Type = def.ProgramType;
        p.ExpectedAttachType = def.ExpectedAttachType;
        p.Flags = def.ProgramFlags;
        int slash = p.SectionName.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && slash + 1 < p.SectionName.Length)
        {
            p.AttachTarget = p.SectionName[(slash + 1)..];
        }
    }

    private void AttachBtfExt(BpfProgram p)
    {
        var elfName = _ctx.Elf.Sections[p.SectionIndex].Name;
        if (_ctx.BtfExt?[elfName] is not { } ext)
        {
            return;
        }

        int start = p.SectionInstructionOffset, end = start + p.InstructionCount;
        p.FuncInfos = Rebased(ext.FuncInfos, start, end, static f => f.InstructionOffset, static (f, o) => f with { InstructionOffset = o });
        p.LineInfos = Rebased(ext.LineInfos, start, end, static l => l.InstructionOffset, static (l, o) => l with { InstructionOffset = o });
        p.CoreRelocations = Rebased(ext.CoreRelocations, start, end, static c => c.InstructionOffset, static (c, o) => c with { InstructionOffset = o });
        foreach (var c in p.CoreRelocations)
        {
            if (c.TypeId >= (uint)_ctx.Btf!.Count)
            {
                throw _ctx.Error(".BTF.ext", null, $"CO-RE relocation of program '{p.Name}' at insn {c.InstructionOffset} refers to type id {c.TypeId}, which does not exist");
            }
        }

        foreach (var f in p.FuncInfos)
        {
            if (f.TypeId >= (uint)_ctx.Btf!.Count || _ctx.Btf[f.TypeId] is not BtfFunc)
            {
                throw _ctx.Error(".BTF.ext", null, $"func_info of program '{p.Name}' at insn {f.InstructionOffset} refers to type id {f.TypeId}, which is not a FUNC");
            }
        }
    }

    /// <summary>
    /// The records of a section's BTF.ext that fall in [start, end), with offsets made relative to the program. Two loops,
    /// not Where/Select/ToArray: LINQ's array builder is framework code that no ReadyToRun image holds. A program at the
    /// start of its section (the usual case: one program per section) shares the section's records, which are immutable,
    /// instead of copying each.
    /// </summary>
    private static T[] Rebased<T>(List<T> records, int start, int end, Func<T, int> offsetOf, Func<T, int, T> rebase)
    {
        int count = 0;
        foreach (var r in records)
        {
            int o = offsetOf(r);
            if (o >= start && o < end) count++;
        }

        var result = new T[count];
        int i = 0;
        foreach (var r in records)
        {
            int o = offsetOf(r);
            if (o >= start && o < end) result[i++] = start == 0 ? r : rebase(r, o - start);
        }

        return result;
    }
}
