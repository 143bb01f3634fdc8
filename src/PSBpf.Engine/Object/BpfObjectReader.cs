using System.Buffers.Binary;
using System.Text;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>The open phase, in libbpf's order: ELF sections, BTF, externs, DATASEC fixup, maps, programs, relocations.</summary>
internal sealed class BpfObjectReader
{
    private const ushort EtRel = 1;
    private readonly ObjectContext _ctx;

    public BpfObjectReader(ObjectContext ctx) => _ctx = ctx;

    public void Read()
    {
        CheckHeader();
        CollectSections();
        ReadBtf();
        new ExternReader(_ctx).Read();
        new DatasecFixup(_ctx).Apply();
        new MapReader(_ctx).Read();
        new ProgramReader(_ctx).Read();
        new RelocationReader(_ctx).Read();
        new MapReader(_ctx).ReadGlobals();
    }

    private void CheckHeader()
    {
        var elf = _ctx.Elf;
        if (elf.IsBigEndian == BitConverter.IsLittleEndian)
        {
            throw new BpfByteOrderException(_ctx.File, elf.IsBigEndian);
        }

        if (elf.Type != EtRel)
        {
            throw _ctx.Error(null, 16, $"ELF type {elf.Type} is not a relocatable object (ET_REL); BPF objects come from 'clang -c -target bpf'");
        }

        if (elf.Machine is not (ElfMachine.Bpf or ElfMachine.None))
        {
            throw _ctx.Error(null, 18, $"ELF machine is {elf.Machine} ({(ushort)elf.Machine}), not BPF (247)");
        }
    }

    private void CollectSections()
    {
        var elf = _ctx.Elf;
        ElfSection? symtab = null;
        foreach (var s in elf.Sections)
        {
            if (s.Type != ElfSectionType.SymTab) continue;
            if (symtab is not null) throw _ctx.Error(s.Name, null, "more than one symbol table");
            symtab = s;
        }

        if (symtab is null)
        {
            throw _ctx.Error(null, null, "no symbol table (.symtab): the object was stripped; BPF objects need their symbols");
        }

        _ctx.SymbolTable = symtab;
        if (symtab.EntrySize != 24)
        {
            throw _ctx.Error(symtab.Name, null, $"symbol entry size {symtab.EntrySize} is not 24");
        }

        _ = elf.Symbols; // validate the whole table now, so later readers can index it freely

        for (int i = 1; i < elf.Sections.Count; i++)
        {
            var s = elf.Sections[i];
            string name = s.Name;
            switch (name)
            {
                case "license":
                    _ctx.Object.License = ReadLicense(s);
                    continue;
                case "version":
                    if (s.Data.Length != 4) throw _ctx.Error(name, null, $"kernel version section has {s.Data.Length} bytes, expected 4");
                    _ctx.Object.KernelVersion = BinaryPrimitives.ReadUInt32LittleEndian(s.Data.Span);
                    continue;
                case "maps":
                    _ctx.LegacyMapsSection = s.Index;
                    continue;
                case ".maps":
                    _ctx.MapsSection = s.Index;
                    continue;
                case ".BTF" or ".BTF.ext":
                    if (s.Type != ElfSectionType.ProgBits) throw _ctx.Error(name, null, $"section type is {s.Type}, expected PROGBITS");
                    continue;
            }

            if (s.Type == ElfSectionType.ProgBits && s.Size > 0) // Size, not Data: DWARF sections stay unread
            {
                if ((s.Flags & ElfSectionFlags.ExecInstr) != 0)
                {
                    if (name == ".text") _ctx.TextSection = s.Index;
                    _ctx.ExecSections.Add(s);
                }
                else if (IsDataName(name, ".data") || IsDataName(name, ".rodata"))
                {
                    _ctx.DataSections.Add(s);
                }
                else if (name is ".struct_ops" or ".struct_ops.link" or "?.struct_ops" or "?.struct_ops.link")
                {
                    _ctx.StructOpsSections.Add(s);
                }
                else if (name == ".addr_space.1")
                {
                    _ctx.ArenaSection = s.Index;
                }
            }
            else if (s.Type == ElfSectionType.Rel)
            {
                if (s.EntrySize != 16) throw _ctx.Error(name, null, $"relocation entry size {s.EntrySize} is not 16");
                if (s.Info >= elf.Sections.Count) throw _ctx.Error(name, null, $"relocation target section {s.Info} does not exist");
                _ctx.RelSections.Add(s);
            }
            else if (s.Type == ElfSectionType.NoBits && IsDataName(name, ".bss") && s.Size > 0)
            {
                _ctx.DataSections.Add(s);
            }
        }

        if (symtab.Link == 0 || symtab.Link >= elf.Sections.Count)
        {
            throw _ctx.Error(symtab.Name, null, "symbol string table is missing or invalid");
        }
    }

    private static bool IsDataName(string name, string prefix) =>
        name == prefix || (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name[prefix.Length] == '.');

    private string ReadLicense(ElfSection s)
    {
        var span = s.Data.Span;
        int nul = span.IndexOf((byte)0);
        var text = nul >= 0 ? span[..nul] : span;
        if (text.Length > 63) text = text[..63]; // libbpf keeps at most 64 bytes including the NUL
        return Encoding.UTF8.GetString(text);
    }

    private void ReadBtf()
    {
        var btfSection = _ctx.Elf.FindSection(".BTF");
        if (btfSection is null)
        {
            return;
        }

        var btf = BtfSpec.Parse(btfSection.Data, _ctx.File);
        if (btf.IsBigEndian != _ctx.Elf.IsBigEndian)
        {
            throw _ctx.Error(".BTF", 0, "BTF byte order differs from the ELF byte order");
        }

        // Bad type ids and name offsets surface here, as at libbpf's open; types are decoded when first used.
        btf.Validate();
        _ctx.Btf = btf;
        _ctx.Object.Btf = btf;

        var ext = _ctx.Elf.FindSection(".BTF.ext");
        if (ext is not null)
        {
            _ctx.BtfExt = BtfExt.Parse(ext.Data, btf, _ctx.File);
            _ctx.Object.BtfExt = _ctx.BtfExt;
        }
    }
}
