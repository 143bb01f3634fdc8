using PSBpf.Engine.Elf;

namespace PSBpf.Engine.Tests;

/// <summary>The ELF reader on a user-space binary (the uprobe target) and on BPF objects, against binutils.</summary>
public class ElfReaderTests
{
    private static string Run(string file, params string[] args) => Sh.Run(file, args);

    [Fact]
    public void UserSpaceSymbolsMatchNm()
    {
        var path = Path.Combine(Fixtures.BuildDir, "uprobe_target");
        using var elf = ElfFile.Open(path);
        Assert.Equal(ElfMachine.X86_64, elf.Machine);
        Assert.False(elf.IsBigEndian);
        var nm = Run("nm", "--defined-only", path).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).Where(p => p.Length == 3).ToDictionary(p => p[2], p => Convert.ToUInt64(p[0], 16));
        var trigger = elf.Symbols.Single(s => s.Name == "psbpf_uprobe_trigger");
        Assert.Equal(ElfSymbolType.Func, trigger.Type);
        Assert.Equal(nm["psbpf_uprobe_trigger"], trigger.Value);
        Assert.NotNull(elf.VirtualAddressToFileOffset(trigger.Value));
        Assert.NotEmpty(elf.DynamicSymbols);
        Assert.Contains(elf.ProgramHeaders, ph => ph.Type == ElfProgramHeader.Load);
    }

    [Fact]
    public void BuildIdNoteMatchesReadelf()
    {
        var path = Path.Combine(Fixtures.BuildDir, "uprobe_target");
        using var elf = ElfFile.Open(path);
        var note = elf.Sections.Where(s => s.Type == ElfSectionType.Note).SelectMany(elf.ReadNotes).Single(n => n.Name == "GNU" && n.Type == 3);
        string buildId = Convert.ToHexString(note.Descriptor.Span).ToLowerInvariant();
        Assert.Contains($"Build ID: {buildId}", Run("readelf", "-n", path));
    }

    [Fact]
    public void BpfObjectSectionsMatchReadelf()
    {
        var path = Fixtures.Object("bootstrap");
        using var elf = ElfFile.Open(path);
        Assert.Equal(ElfMachine.Bpf, elf.Machine);
        var readelf = Run("readelf", "-SW", path);
        foreach (var s in elf.Sections.Skip(1))
        {
            Assert.Contains($"] {s.Name} ", readelf);
        }

        var rel = elf.FindSection("tp/sched/sched_process_exit") is { } exit ? elf.Sections.Single(s => s.Type == ElfSectionType.Rel && s.Info == exit.Index) : null;
        Assert.NotNull(rel);
        Assert.NotEmpty(elf.ReadRelocations(rel!));
    }
}
