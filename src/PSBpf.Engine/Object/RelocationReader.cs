using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// Records the ELF relocations of program sections (maps, global data, calls, callbacks, externs) and
/// turns .rel.maps entries into the initial slots of prog arrays and map-in-maps. Nothing is applied yet.
/// </summary>
internal sealed class RelocationReader
{
    private const ushort SectionLoReserve = 0xff00;
    private readonly ObjectContext _ctx;
    private readonly Dictionary<BpfProgram, List<BpfRelocation>> _byProgram = [];

    public RelocationReader(ObjectContext ctx) => _ctx = ctx;

    public void Read()
    {
        foreach (var rel in _ctx.RelSections)
        {
            var target = _ctx.Elf.Sections[(int)rel.Info];
            if ((target.Flags & ElfSectionFlags.ExecInstr) != 0)
            {
                ReadProgramRelocations(rel, target);
            }
            else if (target.Index == _ctx.MapsSection)
            {
                ReadMapSlots(rel);
            }
            else if (_ctx.StructOpsSections.Contains(target))
            {
                new StructOpsReader(_ctx).ReadRelocations(rel, target);
            }
        }

        foreach (var (prog, list) in _byProgram)
        {
            prog.Relocations = list;
        }
    }

    private void ReadProgramRelocations(ElfSection relSec, ElfSection target)
    {
        foreach (var rel in _ctx.Elf.ReadRelocations(relSec))
        {
            var sym = Symbol(relSec, rel);
            if (sym.SectionIndex >= _ctx.Elf.Sections.Count)
            {
                throw _ctx.Error(relSec.Name, (long)rel.Offset, $"symbol #{rel.SymbolIndex} '{sym.Name}' points to invalid section #{sym.SectionIndex}");
            }

            if (rel.Offset % BpfInstruction.Size != 0 || rel.Offset >= (ulong)target.Data.Length)
            {
                throw _ctx.Error(relSec.Name, (long)Math.Min(rel.Offset, long.MaxValue), $"relocation offset 0x{rel.Offset:x} is not an instruction of {target.Name} ({target.Data.Length} bytes)");
            }

            int sectionInsn = (int)(rel.Offset / BpfInstruction.Size);
            var prog = _ctx.Functions.FirstOrDefault(p => p.SectionIndex == target.Index
                && sectionInsn >= p.SectionInstructionOffset && sectionInsn < p.SectionInstructionOffset + p.InstructionCount);
            if (prog is null)
            {
                continue; // libbpf ignores relocations outside any function
            }

            int insnIdx = sectionInsn - prog.SectionInstructionOffset;
            var reloc = Classify(prog, insnIdx, sym, rel, target.Name);
            if (!_byProgram.TryGetValue(prog, out var list))
            {
                _byProgram[prog] = list = [];
            }

            list.Add(reloc);
        }
    }

    private BpfRelocation Classify(BpfProgram prog, int insnIdx, ElfSymbol sym, ElfRelocation rel, string section)
    {
        var insn = prog.InstructionArray[insnIdx];
        string symName = _ctx.SymbolName(sym);
        BpfFormatException Bad(string detail) => _ctx.Error(section, (long)rel.Offset, $"program '{prog.Name}', insn {insnIdx}: {detail}");

        if (!insn.IsCall && !insn.IsLoadImm64)
        {
            throw Bad($"relocation against '{symName}' on an instruction with opcode 0x{insn.Opcode:x2}, which is neither a call nor a 64-bit immediate load");
        }

        if (insn.IsLoadImm64 && insnIdx + 1 >= prog.InstructionCount)
        {
            throw Bad("64-bit immediate load is missing its second half");
        }

        if (IsExtern(sym))
        {
            var ext = _ctx.Object.Externs.FirstOrDefault(e => e.SymbolIndex == sym.Index)
                ?? throw Bad($"relocation against extern '{symName}' that has no extern definition");
            return new BpfRelocation(insn.IsCall ? BpfRelocationKind.ExternCall : BpfRelocationKind.ExternLoad, insnIdx, symName, null, 0, ext.Name);
        }

        if (insn.IsCall)
        {
            if (insn.Source != BpfInstruction.PseudoCall)
            {
                throw Bad($"relocated call to '{symName}' is not a bpf-to-bpf call (src_reg {insn.Source})");
            }

            if (sym.SectionIndex == 0 || sym.SectionIndex >= _ctx.Elf.Sections.Count
                || (_ctx.Elf.Sections[sym.SectionIndex].Flags & ElfSectionFlags.ExecInstr) == 0)
            {
                throw Bad($"call to '{symName}' in section '{SectionName(sym.SectionIndex)}', which holds no code");
            }

            if (sym.Value % BpfInstruction.Size != 0)
            {
                throw Bad($"call to '{symName}' at unaligned offset {sym.Value}");
            }

            return new BpfRelocation(BpfRelocationKind.Call, insnIdx, symName, null, (long)sym.Value, null) { SymbolSection = sym.SectionIndex };
        }

        if (sym.SectionIndex == 0 || sym.SectionIndex >= SectionLoReserve)
        {
            throw Bad($"relocation against '{symName}' in special section 0x{sym.SectionIndex:x}; is a global variable missing an initialiser or a definition?");
        }

        if (sym.SectionIndex == _ctx.TextSection && (sym.Type == ElfSymbolType.Section && sym.Binding == ElfSymbolBinding.Local
            || sym.Type == ElfSymbolType.Func && sym.Binding is ElfSymbolBinding.Global or ElfSymbolBinding.Weak))
        {
            if (sym.Value % BpfInstruction.Size != 0 || insn.Immediate % BpfInstruction.Size != 0)
            {
                throw Bad($"subprogram address of '{symName}' at unaligned offset {sym.Value}+{insn.Immediate}");
            }

            return new BpfRelocation(BpfRelocationKind.SubprogramAddress, insnIdx, symName, null, (long)sym.Value, null) { SymbolSection = sym.SectionIndex };
        }

        if (sym.SectionIndex == _ctx.ArenaSection)
        {
            var arena = _ctx.Object.Maps.FirstOrDefault(m => m.Type == BpfMapType.arena)
                ?? throw Bad("relocation against __arena data, but the object defines no arena map");
            return new BpfRelocation(BpfRelocationKind.ArenaData, insnIdx, symName, arena.Name, (long)sym.Value, null);
        }

        if (sym.SectionIndex == _ctx.MapsSection || sym.SectionIndex == _ctx.LegacyMapsSection)
        {
            var map = _ctx.Object.Maps.FirstOrDefault(m => m.Origin is BpfMapOrigin.Btf or BpfMapOrigin.Legacy
                && m.SectionIndex == sym.SectionIndex && m.SectionOffset == sym.Value)
                ?? throw Bad($"map relocation against '{symName}' finds no map at offset {sym.Value} of {SectionName(sym.SectionIndex)}");
            return new BpfRelocation(BpfRelocationKind.MapReference, insnIdx, symName, map.Name, 0, null);
        }

        var dataMap = _ctx.Object.Maps.FirstOrDefault(m => m.Origin == BpfMapOrigin.Data && m.SectionIndex == sym.SectionIndex)
            ?? throw Bad($"relocation against '{symName}' in section '{SectionName(sym.SectionIndex)}', which is neither a map nor a global-data section");
        return new BpfRelocation(BpfRelocationKind.Data, insnIdx, symName, dataMap.Name, (long)sym.Value, null);
    }

    private void ReadMapSlots(ElfSection relSec)
    {
        var btf = _ctx.RequireBtf(".rel.maps");
        var slots = new Dictionary<BpfMap, List<string?>>();
        foreach (var rel in _ctx.Elf.ReadRelocations(relSec))
        {
            var sym = Symbol(relSec, rel);
            string name = sym.Name;
            var map = _ctx.Object.Maps.FirstOrDefault(m => m.Origin == BpfMapOrigin.Btf && Contains(btf, m, rel.Offset))
                ?? throw _ctx.Error(relSec.Name, (long)rel.Offset, $"relocation for '{name}' at .maps offset {rel.Offset} is inside no map definition");
            bool mapInMap = map.Type is BpfMapType.array_of_maps or BpfMapType.hash_of_maps;
            if (mapInMap)
            {
                if (sym.SectionIndex != _ctx.MapsSection) throw _ctx.Error(relSec.Name, (long)rel.Offset, $"map '{map.Name}': slot value '{name}' isn't a BTF-defined map");
                if (map.Type == BpfMapType.hash_of_maps && map.KeySize != 4) throw _ctx.Error(relSec.Name, (long)rel.Offset, $"hash-of-maps '{map.Name}' must have a 4-byte key to be initialised with values");
                if (!_ctx.Object.Maps.Contains(name)) throw _ctx.Error(relSec.Name, (long)rel.Offset, $"map '{map.Name}': slot value '{name}' isn't a valid map reference");
            }
            else if (map.Type == BpfMapType.prog_array)
            {
                var target = _ctx.Object.Programs.Find(name);
                if (target is null || target.SectionIndex != sym.SectionIndex || (ulong)target.SectionInstructionOffset * 8 != sym.Value)
                {
                    throw _ctx.Error(relSec.Name, (long)rel.Offset, $"prog array '{map.Name}': slot value '{name}' isn't an entry-point program");
                }
            }
            else
            {
                throw _ctx.Error(relSec.Name, (long)rel.Offset, $"map '{map.Name}' of type {map.Type} cannot have initial values");
            }

            var def = (BtfComposite)btf.Resolve(((BtfVar)btf[VarOf(btf, map).TypeId]).TypeId);
            var last = def.Members[^1];
            if (last.Name != "values") throw _ctx.Error(relSec.Name, (long)rel.Offset, $"map '{map.Name}': relocation outside its 'values' member");
            ulong valuesStart = map.SectionOffset + last.BitOffset / 8;
            if (rel.Offset < valuesStart || (rel.Offset - valuesStart) % 8 != 0)
            {
                throw _ctx.Error(relSec.Name, (long)rel.Offset, $"map '{map.Name}': relocation at .maps offset {rel.Offset} is not a slot of 'values'");
            }

            int slot = (int)((rel.Offset - valuesStart) / 8);
            if (slot >= Math.Max(map.MaxEntries, 1u) && map.Type != BpfMapType.hash_of_maps)
            {
                throw _ctx.Error(relSec.Name, (long)rel.Offset, $"map '{map.Name}': initial slot {slot} is beyond max_entries {map.MaxEntries}");
            }

            if (!slots.TryGetValue(map, out var list)) slots[map] = list = [];
            while (list.Count <= slot) list.Add(null);
            list[slot] = name;
        }

        foreach (var (map, list) in slots)
        {
            map.InitialSlots = list;
        }
    }

    private bool Contains(BtfSpec btf, BpfMap m, ulong offset)
    {
        var vsi = VarOf(btf, m);
        return vsi.Offset <= offset && offset + 8 <= (ulong)vsi.Offset + vsi.Size;
    }

    private BtfVarSecInfo VarOf(BtfSpec btf, BpfMap m) =>
        ((BtfDatasec)btf[_ctx.MapsDatasecId]).Variables.First(v => v.Offset == m.SectionOffset && btf[v.TypeId].Name == m.Name);

    private ElfSymbol Symbol(ElfSection relSec, ElfRelocation rel)
    {
        if (rel.SymbolIndex >= _ctx.Symbols.Count)
        {
            throw _ctx.Error(relSec.Name, (long)Math.Min(rel.Offset, long.MaxValue), $"relocation refers to symbol #{rel.SymbolIndex}, but the symbol table has {_ctx.Symbols.Count}");
        }

        return _ctx.Symbols[(int)rel.SymbolIndex];
    }

    private static bool IsExtern(ElfSymbol sym) =>
        sym.SectionIndex == ElfSymbol.SectionUndefined && sym.Binding is ElfSymbolBinding.Global or ElfSymbolBinding.Weak && sym.Type == ElfSymbolType.NoType;

    private string SectionName(int index) => index > 0 && index < _ctx.Elf.Sections.Count ? _ctx.Elf.Sections[index].Name : $"#{index}";
}
