using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// Collects __kconfig and __ksym externs (undefined NOTYPE global/weak symbols), sorts them as libbpf does
/// and lays out the .kconfig map: by descending alignment, then ascending size, then name.
/// </summary>
internal sealed class ExternReader
{
    private readonly ObjectContext _ctx;

    public ExternReader(ObjectContext ctx) => _ctx = ctx;

    public void Read()
    {
        var found = new List<BpfExtern>();
        foreach (var sym in _ctx.Symbols)
        {
            if (sym.SectionIndex != ElfSymbol.SectionUndefined || sym.Type != ElfSymbolType.NoType
                || sym.Binding is not (ElfSymbolBinding.Global or ElfSymbolBinding.Weak) || sym.Name.Length == 0)
            {
                continue;
            }

            var btf = _ctx.Btf;
            var t = btf is null ? null : FindExternType(btf, sym.Name);
            var sec = t is null ? null : FindSection(btf!, t.Id);
            if (t is null || sec is null)
            {
                // cilium/ebpf opens such objects too; libbpf refuses them at open. The load phase names the program that uses it.
                found.Add(new BpfExtern(sym.Name, BpfExternKind.Unresolved, t?.Id ?? 0, sym.Index, sym.Binding == ElfSymbolBinding.Weak) { IsFunction = t is BtfFunc });
                continue;
            }

            BpfExtern ext;
            if (sec.Name == ".kconfig")
            {
                if (t is BtfFunc)
                {
                    throw _ctx.Error(".BTF", null, $"extern function '{sym.Name}' cannot be in .kconfig");
                }

                ext = new BpfExtern(t.Name, BpfExternKind.Kconfig, t.Id, sym.Index, sym.Binding == ElfSymbolBinding.Weak);
                uint typeId = ((BtfVar)t).TypeId;
                ext.Size = (int)btf!.SizeOf(typeId);
                ext.Alignment = btf.AlignOf(typeId);
                ext.KconfigType = KconfigTypeOf(btf, typeId, out bool signed);
                ext.IsSigned = signed;
                if (ext.Size <= 0 || ext.KconfigType == BpfKconfigType.None)
                {
                    throw _ctx.Error(".BTF", null, $"extern (kconfig) '{sym.Name}': type {btf.Resolve(typeId)} is not supported (bool, char, tristate, 1/2/4/8-byte integers or char arrays)");
                }
            }
            else if (sec.Name == ".ksyms")
            {
                ext = new BpfExtern(t.Name, BpfExternKind.Ksym, t.Id, sym.Index, sym.Binding == ElfSymbolBinding.Weak)
                {
                    IsFunction = t is BtfFunc,
                    TypeId = t is BtfVar v ? btf!.SkipModsAndTypedefs(v.TypeId) : ((BtfFunc)t).TypeId,
                };
            }
            else
            {
                throw _ctx.Error(".BTF", null, $"extern '{sym.Name}' is in unsupported section '{sec.Name}' (only .kconfig and .ksyms)");
            }


            found.Add(ext);
        }

        found.Sort(Compare);
        int off = 0;
        foreach (var e in found)
        {
            if (e.Kind == BpfExternKind.Kconfig)
            {
                e.DataOffset = (off + e.Alignment - 1) / e.Alignment * e.Alignment;
                off = e.DataOffset + e.Size;
            }

            _ctx.Object.AddExtern(e);
        }

        _ctx.KconfigSize = off;
        if (off > 0)
        {
            FixKconfigDatasec(_ctx.Btf!, off);
        }
    }

    /// <summary>Kconfig externs become allocated variables of the .kconfig map, at the offsets just computed.</summary>
    private void FixKconfigDatasec(BtfSpec btf, int size)
    {
        if (btf.FindDatasec(".kconfig") is { } sec)
        {
            sec.Size = (uint)size;
            foreach (var vsi in sec.Variables)
            {
                if (btf[vsi.TypeId] is not BtfVar v)
                {
                    throw _ctx.Error(".BTF", null, $"DATASEC .kconfig lists {btf[vsi.TypeId]}, not a VAR");
                }

                var ext = _ctx.Object.Externs.Find(v.Name)
                    ?? throw _ctx.Error(".BTF", null, $"DATASEC .kconfig lists '{v.Name}', which is not an extern symbol");
                v.Linkage = BtfLinkage.Global;
                vsi.Offset = (uint)ext.DataOffset;
            }
        }
    }

    private static int Compare(BpfExtern a, BpfExtern b)
    {
        if (a.Kind != b.Kind) return a.Kind.CompareTo(b.Kind);
        if (a.Kind == BpfExternKind.Kconfig)
        {
            if (a.Alignment != b.Alignment) return b.Alignment.CompareTo(a.Alignment);
            if (a.Size != b.Size) return a.Size.CompareTo(b.Size);
        }

        return string.CompareOrdinal(a.Name, b.Name);
    }

    private BtfType? FindExternType(BtfSpec btf, string name)
    {
        foreach (var id in btf.FindAllByName(name))
        {
            var t = btf[id];
            if (t is BtfVar v)
            {
                if (v.Linkage != BtfLinkage.Extern)
                {
                    throw _ctx.Error(".BTF", null, $"extern '{name}' has BTF VAR [{id}] with {v.Linkage.ToString().ToLowerInvariant()} linkage, expected extern");
                }

                return t;
            }

            if (t is BtfFunc f)
            {
                if (f.Linkage != BtfLinkage.Extern)
                {
                    throw _ctx.Error(".BTF", null, $"extern '{name}' has BTF FUNC [{id}] with {f.Linkage.ToString().ToLowerInvariant()} linkage, expected extern");
                }

                return t;
            }
        }

        return null;
    }

    private static BtfDatasec? FindSection(BtfSpec btf, uint id)
    {
        foreach (var name in new[] { ".kconfig", ".ksyms" })
        {
            if (btf.FindDatasec(name) is { } d && d.Variables.Any(v => v.TypeId == id))
            {
                return d;
            }
        }

        return null;
    }

    private static BpfKconfigType KconfigTypeOf(BtfSpec btf, uint id, out bool signed)
    {
        signed = false;
        var t = btf.Resolve(id);
        switch (t)
        {
            case BtfInt i:
                if (i.IsBool) return i.Size == 1 ? BpfKconfigType.Bool : BpfKconfigType.None;
                signed = i.IsSigned;
                if (i.Size == 1) return BpfKconfigType.Char;
                return i.Size is 2 or 4 or 8 ? BpfKconfigType.Int : BpfKconfigType.None;
            case BtfEnum e when e.Name == "libbpf_tristate" && (e.Kind == BtfKind.Enum64 || e.Size == 4):
                return BpfKconfigType.Tristate;
            case BtfArray a when a.Count > 0 && KconfigTypeOf(btf, a.ElementTypeId, out _) == BpfKconfigType.Char:
                return BpfKconfigType.CharArray;
            default:
                return BpfKconfigType.None;
        }
    }
}
