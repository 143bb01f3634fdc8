using System.Buffers.Binary;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// The open phase of struct_ops, as libbpf does it: every variable of a SEC(".struct_ops") or SEC(".struct_ops.link")
/// section becomes a BPF_MAP_TYPE_STRUCT_OPS map, and the section's relocations say which program each
/// function-pointer member names. Matching with the kernel's type waits for the load.
/// </summary>
internal sealed class StructOpsReader
{
    private const ushort SectionLoReserve = 0xff00;
    private readonly ObjectContext _ctx;

    public StructOpsReader(ObjectContext ctx) => _ctx = ctx;

    /// <summary>One map per variable of each struct_ops section, in section then variable order.</summary>
    public void ReadMaps()
    {
        foreach (var section in _ctx.StructOpsSections)
        {
            ReadSection(section);
        }
    }

    private void ReadSection(ElfSection section)
    {
        var btf = _ctx.Btf ?? throw _ctx.Error(section.Name, null, "struct_ops sections need the object's BTF (.BTF), which is missing");
        var datasec = btf.FindDatasec(section.Name)
            ?? throw _ctx.Error(section.Name, null, $"no BTF DATASEC '{section.Name}' describes the section");
        bool optional = section.Name.StartsWith('?');
        string plainName = optional ? section.Name[1..] : section.Name;

        foreach (var vsi in datasec.Variables)
        {
            if (btf[vsi.TypeId] is not BtfVar v)
            {
                throw _ctx.Error(section.Name, vsi.Offset, $"DATASEC entry at offset {vsi.Offset} is type {vsi.TypeId}, not a variable");
            }

            var resolved = btf.Resolve(v.TypeId);
            if (string.IsNullOrEmpty(resolved.Name))
            {
                throw _ctx.Error(section.Name, vsi.Offset, $"struct_ops variable '{v.Name}' has an anonymous type; it must be a named struct");
            }

            if (resolved is not BtfComposite { IsUnion: false } type)
            {
                throw _ctx.Error(section.Name, vsi.Offset, $"struct_ops variable '{v.Name}' has type {resolved.Name}, which is not a struct");
            }

            if ((ulong)vsi.Offset + type.Size > (ulong)section.Data.Length)
            {
                throw _ctx.Error(section.Name, vsi.Offset, $"struct_ops variable '{v.Name}' ({type.Size} bytes at offset {vsi.Offset}) runs past the end of the section ({section.Data.Length} bytes)");
            }

            var map = new BpfMap(_ctx.Object, v.Name, BpfMapOrigin.StructOps)
            {
                Type = BpfMapType.struct_ops,
                KeySize = 4,
                ValueSize = type.Size,
                MaxEntries = 1,
                Flags = plainName == ".struct_ops.link" ? BpfMapFlags.Link : 0,
                ValueTypeId = type.Id,
                SectionName = section.Name,
                SectionOffset = vsi.Offset,
                SectionIndex = section.Index,
                AutoCreate = !optional,
                StructOps = new BpfStructOps(type, section.Data.Slice((int)vsi.Offset, (int)type.Size).ToArray()),
            };
            _ctx.Object.AddMap(map);
        }
    }

    /// <summary>A relocation section of a struct_ops section: each entry sets a function-pointer member to a program.</summary>
    public void ReadRelocations(ElfSection relSec, ElfSection target)
    {
        var btf = _ctx.Btf!;
        foreach (var rel in _ctx.Elf.ReadRelocations(relSec))
        {
            long at = (long)Math.Min(rel.Offset, long.MaxValue);
            if (rel.SymbolIndex >= _ctx.Symbols.Count)
            {
                throw _ctx.Error(relSec.Name, at, $"relocation refers to symbol #{rel.SymbolIndex}, but the symbol table has {_ctx.Symbols.Count}");
            }

            var sym = _ctx.Symbols[(int)rel.SymbolIndex];
            var map = _ctx.Object.Maps.FirstOrDefault(m => m.StructOps is not null && m.SectionIndex == target.Index
                && rel.Offset >= m.SectionOffset && rel.Offset - m.SectionOffset < (ulong)m.StructOps.Data.Length)
                ?? throw _ctx.Error(relSec.Name, at, $"relocation at offset 0x{rel.Offset:x} of {target.Name} is in no struct_ops variable");
            var ops = map.StructOps!;
            int memberOffset = (int)(rel.Offset - map.SectionOffset);

            if (sym.SectionIndex >= SectionLoReserve || sym.SectionIndex == ElfSymbol.SectionUndefined)
            {
                throw _ctx.Error(relSec.Name, at, $"struct_ops map '{map.Name}': member at offset {memberOffset} points to '{sym.Name}', which is not a function in this object (non-static functions from elsewhere are not supported)");
            }

            if (sym.Value % 8 != 0)
            {
                throw _ctx.Error(relSec.Name, at, $"struct_ops map '{map.Name}': symbol '{sym.Name}' has value {sym.Value}, not an instruction offset");
            }

            int index = -1;
            for (int i = 0; i < ops.Type.Members.Count; i++)
            {
                if (ops.Type.Members[i].BitOffset == (uint)memberOffset * 8)
                {
                    index = i;
                    break;
                }
            }

            if (index < 0)
            {
                throw _ctx.Error(relSec.Name, at, $"struct_ops map '{map.Name}': no member of {ops.Type.Name} starts at offset {memberOffset}");
            }

            var member = ops.Type.Members[index];
            if (!IsFunctionPointer(btf, member.TypeId))
            {
                throw _ctx.Error(relSec.Name, at, $"struct_ops map '{map.Name}': member '{member.Name}' is not a function pointer, so it cannot name a program");
            }

            int insn = (int)(sym.Value / 8);
            var prog = _ctx.Functions.FirstOrDefault(p => p.SectionIndex == sym.SectionIndex && p.SectionInstructionOffset == insn)
                ?? throw _ctx.Error(relSec.Name, at, $"struct_ops map '{map.Name}': member '{member.Name}' points to '{sym.Name}', which is not a program");
            if (prog.Type != BpfProgramType.struct_ops)
            {
                throw _ctx.Error(relSec.Name, at, $"struct_ops map '{map.Name}': member '{member.Name}' points to program '{prog.Name}' in section '{prog.SectionName}', which is not a SEC(\"struct_ops/...\") program");
            }

            if (memberOffset + 8 > ops.Data.Length)
            {
                throw _ctx.Error(relSec.Name, at, $"struct_ops map '{map.Name}': member '{member.Name}' at offset {memberOffset} runs past the struct");
            }

            ops.Programs[index] = prog;
            BinaryPrimitives.WriteUInt64LittleEndian(ops.Data.AsSpan(memberOffset), 0); // the pointer is the relocation's, not data
        }
    }

    private static bool IsFunctionPointer(BtfSpec btf, uint typeId) =>
        btf.Resolve(typeId) is BtfPointer p && btf.Resolve(p.TypeId) is BtfFuncProto;
}
