using System.Buffers.Binary;
using System.Text;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// One call site of a USDT probe, from a <c>.note.stapsdt</c> note (owner "stapsdt", type 3): the file offsets a uprobe
/// and its semaphore counter go to, and the argument specs, with libbpf's <c>.stapsdt.base</c> (prelink) adjustment.
/// </summary>
internal sealed record UsdtProbe(string Provider, string Name, ulong FileOffset, ulong SemaphoreOffset, string Arguments)
{
    private const uint NoteType = 3;

    /// <summary>The sites of <paramref name="provider"/>:<paramref name="name"/> in the ELF file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<UsdtProbe> Find(string path, string provider, string name)
    {
        using var elf = ElfFile.Open(path);
        var notes = elf.FindSection(".note.stapsdt")
            ?? throw new KeyNotFoundException($"USDT {provider}:{name}: {path} has no .note.stapsdt section (no USDT probes)");
        var baseSection = elf.FindSection(".stapsdt.base");
        var sites = new List<UsdtProbe>();
        foreach (var note in elf.ReadNotes(notes))
        {
            if (note.Name != "stapsdt" || note.Type != NoteType) continue;
            var site = Read(elf, path, note.Descriptor.Span, baseSection);
            if (site.Provider == provider && site.Name == name) sites.Add(site);
        }

        return sites.Count > 0 ? sites : throw new KeyNotFoundException($"USDT {provider}:{name}: {path} has no such probe");
    }

    private static UsdtProbe Read(ElfFile elf, string path, ReadOnlySpan<byte> d, ElfSection? baseSection)
    {
        if (d.Length < 3 * 8 + 3) throw new BpfFormatException(path, ".note.stapsdt", null, $"a stapsdt note of {d.Length} bytes is shorter than its three addresses and strings");
        ulong pc = BinaryPrimitives.ReadUInt64LittleEndian(d);
        ulong noteBase = BinaryPrimitives.ReadUInt64LittleEndian(d[8..]);
        ulong semaphore = BinaryPrimitives.ReadUInt64LittleEndian(d[16..]);
        var strings = d[24..];
        string provider = Next(ref strings, path), name = Next(ref strings, path), args = Next(ref strings, path);

        // prelink moves the binary but not the note: the note's base is where .stapsdt.base was at link time
        if (baseSection is not null && noteBase != 0) pc += baseSection.Address - noteBase;
        ulong offset = elf.VirtualAddressToFileOffset(pc)
            ?? throw new BpfFormatException(path, ".note.stapsdt", null, $"USDT {provider}:{name} is at 0x{pc:x}, in no loadable segment");
        ulong semaphoreOffset = 0;
        if (semaphore != 0)
        {
            semaphoreOffset = elf.VirtualAddressToFileOffset(semaphore)
                ?? throw new BpfFormatException(path, ".note.stapsdt", null, $"USDT {provider}:{name}'s semaphore 0x{semaphore:x} is in no loadable segment");
        }

        return new UsdtProbe(provider, name, offset, semaphoreOffset, args);
    }

    private static string Next(ref ReadOnlySpan<byte> s, string path)
    {
        int nul = s.IndexOf((byte)0);
        if (nul < 0) throw new BpfFormatException(path, ".note.stapsdt", null, "a stapsdt note's strings are not NUL-terminated");
        string text = Encoding.UTF8.GetString(s[..nul]);
        s = s[(nul + 1)..];
        return text;
    }
}
