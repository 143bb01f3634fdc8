using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// Fills in what clang leaves out of DATASECs: section sizes from the ELF and variable offsets from symbols;
/// global variables with hidden visibility become static (libbpf's btf_fixup_datasec). Variables end sorted by offset.
/// </summary>
internal sealed class DatasecFixup
{
    private readonly ObjectContext _ctx;

    public DatasecFixup(ObjectContext ctx) => _ctx = ctx;

    public void Apply()
    {
        if (_ctx.Btf is not { } btf)
        {
            return;
        }

        foreach (uint id in btf.DatasecIds)
        {
            var sec = (BtfDatasec)btf[id];

            if (sec.Name is not (".kconfig" or ".ksyms"))
            {
                FixSection(btf, sec);
            }

            sec.Variables = StableSort.ByKey(sec.Variables, v => v.Offset);
        }
    }

    private void FixSection(BtfSpec btf, BtfDatasec sec)
    {
        bool fixOffsets = false;
        if (sec.Size == 0)
        {
            var elfSec = _ctx.Elf.FindSection(sec.Name);
            if (elfSec is null || elfSec.Size == 0)
            {
                throw _ctx.Error(".BTF", null, $"DATASEC '{sec.Name}' [{sec.Id}] has no size and there is no non-empty ELF section of that name to take it from");
            }

            sec.Size = (uint)Math.Min(elfSec.Size, uint.MaxValue);
            fixOffsets = true;
        }

        foreach (var vsi in sec.Variables)
        {
            if (btf[vsi.TypeId] is not BtfVar v)
            {
                throw _ctx.Error(".BTF", null, $"DATASEC '{sec.Name}' [{sec.Id}] contains {btf[vsi.TypeId]}, not a VAR");
            }

            if (v.Linkage is BtfLinkage.Static or BtfLinkage.Extern)
            {
                continue;
            }

            var sym = FindVariableSymbol(v.Name)
                ?? throw _ctx.Error(".BTF", null, $"DATASEC '{sec.Name}': no ELF symbol for global variable '{v.Name}'");
            if (fixOffsets)
            {
                vsi.Offset = (uint)sym.Value;
            }

            if (sym.IsHidden)
            {
                v.Linkage = BtfLinkage.Static;
            }
        }
    }

    private ElfSymbol? FindVariableSymbol(string name)
    {
        foreach (var s in _ctx.Symbols)
        {
            if (s.Type == ElfSymbolType.Object && s.Binding is ElfSymbolBinding.Global or ElfSymbolBinding.Weak && s.Name == name)
            {
                return s;
            }
        }

        return null;
    }
}
