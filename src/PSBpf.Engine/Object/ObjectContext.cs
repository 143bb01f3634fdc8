using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>State shared by the open-phase readers while one object is being read.</summary>
internal sealed class ObjectContext
{
    public ObjectContext(BpfObject obj, ElfFile elf, string file)
    {
        Object = obj;
        Elf = elf;
        File = file;
    }

    public BpfObject Object { get; }
    public ElfFile Elf { get; }
    public string File { get; }
    public BtfSpec? Btf { get; set; }
    public BtfExt? BtfExt { get; set; }
    public ElfSection? SymbolTable { get; set; }
    public IReadOnlyList<ElfSymbol> Symbols => Elf.Symbols;
    public int TextSection { get; set; } = -1;
    public int MapsSection { get; set; } = -1;
    public int LegacyMapsSection { get; set; } = -1;
    public int ArenaSection { get; set; } = -1;
    public uint MapsDatasecId { get; set; }
    public List<ElfSection> ExecSections { get; } = [];
    public List<ElfSection> DataSections { get; } = [];
    public List<ElfSection> RelSections { get; } = [];
    public List<ElfSection> StructOpsSections { get; } = [];

    /// <summary>All functions (programs and .text subprograms) sorted by section and offset.</summary>
    public List<BpfProgram> Functions { get; } = [];

    /// <summary>Size of the .kconfig map (0 when there are no kconfig externs).</summary>
    public int KconfigSize { get; set; }

    public BpfFormatException Error(string? section, long? offset, string detail) => new(File, section, offset, detail);

    public BtfSpec RequireBtf(string why) => Btf ?? throw Error(".BTF", null, $"{why} needs BTF, but the object has no .BTF section (compile with -g)");

    public string SymbolName(ElfSymbol sym) =>
        sym.Type == ElfSymbolType.Section && sym.Name.Length == 0 && sym.SectionIndex < Elf.Sections.Count
            ? Elf.Sections[sym.SectionIndex].Name
            : sym.Name;
}
