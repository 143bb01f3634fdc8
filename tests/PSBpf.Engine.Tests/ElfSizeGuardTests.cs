using System.Buffers.Binary;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Headers that claim more than the file holds: ELFSharp reads string tables, symbol tables and notes in full while it
/// loads, so these must fail before anything of the claimed size is allocated, naming the section. And ELFSharp's own
/// exceptions come out wrapped in a BpfFormatException that says where it was reading.
/// </summary>
public class ElfSizeGuardTests
{
    // Far below the sizes claimed (GiB), far above what opening a 600 KiB object allocates.
    private const long AllocationLimit = 32L << 20;

    // clang's objects keep section and symbol names in one table, .strtab, which can only be named by its index while
    // it is not known to fit the file.
    [Theory]
    [InlineData(".BTF", 0x1_0000_0000UL, ".BTF")]     // 4 GiB: a PROGBITS section, read on first use
    [InlineData(".strtab", 0x1_0000_0000UL, "#1 (the section name table)")]  // ELFSharp reads string tables while it loads
    [InlineData(".strtab", 0xffff_ffffUL, "#1 (the section name table)")]
    [InlineData(".strtab", 0x7fff_ffffUL, "#1 (the section name table)")]
    [InlineData(".symtab", 0x7fff_fff8UL, ".symtab")]
    public void SectionLargerThanTheFileFailsBeforeAllocating(string section, ulong size, string named)
    {
        var bytes = WithSectionField("bootstrap", section, 32, size);
        var e = OpenFails(bytes, "huge");
        Assert.Equal(named, e.SectionName);
        Assert.Contains("beyond the end", e.Detail);
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void BillionSymbolsFailBeforeAllocating()
    {
        var bytes = WithSectionField("bootstrap", ".symtab", 32, 1_000_000_000UL * 24);
        var e = OpenFails(bytes, "symbols");
        Assert.Equal(".symtab", e.SectionName);
        Assert.Contains("beyond the end", e.Detail);
    }

    [Fact]
    public void BillionSectionsFailBeforeAllocating()
    {
        var bytes = File.ReadAllBytes(Fixtures.Object("bootstrap"));
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(60), 0); // e_shnum 0: the count is section 0's sh_size
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)shoff + 32), 1_000_000_000);
        var e = OpenFails(bytes, "sections");
        Assert.Contains("section header table (1000000000 headers", e.Detail);
    }

    [Fact]
    public void OverlappingTablesThatEachFitFailBeforeAllocating()
    {
        // Every section a string table spanning the whole file: each fits, together they are the file many times over.
        var bytes = File.ReadAllBytes(Fixtures.Object("bootstrap"));
        using var elf = ElfFile.Parse((byte[])bytes.Clone());
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        for (int i = 1; i < elf.Sections.Count; i++)
        {
            int h = (int)shoff + i * 64;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(h + 4), 3);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(h + 24), 0);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(h + 32), (ulong)bytes.Length);
        }

        Assert.Contains("they overlap", OpenFails(bytes, "overlap").Detail);
    }

    [Fact]
    public void ElfSharpExceptionIsWrappedNamingTheSection()
    {
        // A symbol name offset outside .strtab: ELFSharp's string table throws IndexOutOfRangeException.
        var bytes = File.ReadAllBytes(Fixtures.Object("minimal"));
        using var elf = ElfFile.Parse((byte[])bytes.Clone());
        var symtab = elf.FindSection(".symtab")!;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)symtab.Offset + 24), 0x7fff_0000); // symbol 1's st_name
        var e = Assert.Throws<BpfFormatException>(() => BpfObject.Open(bytes, "badname"));
        Assert.Equal(".symtab", e.SectionName);
        Assert.StartsWith("badname, section .symtab", e.Message, StringComparison.Ordinal);
        Assert.IsType<IndexOutOfRangeException>(e.InnerException);
        Assert.True(MalformedInputTests.ThrownByElfSharp(e.InnerException!));
    }

    [Fact]
    public void FileOnDiskFailsLikeTheSameBytesInMemory()
    {
        // The path is read section by section, not whole; a truncated file must give the same error as its bytes.
        var bytes = File.ReadAllBytes(Fixtures.Object("bootstrap"));
        using var elf = ElfFile.Parse((byte[])bytes.Clone());
        var cut = bytes.AsSpan(0, (int)elf.FindSection(".BTF")!.Offset + 10).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"psbpf-cut-{Environment.ProcessId}.bpf.o");
        File.WriteAllBytes(path, cut);
        try
        {
            var fromFile = Assert.Throws<BpfFormatException>(() => BpfObject.Open(path));
            var fromMemory = Assert.Throws<BpfFormatException>(() => BpfObject.Open(cut, "cut"));
            Assert.Equal(fromMemory.Detail, fromFile.Detail);
            Assert.Equal(fromMemory.SectionName, fromFile.SectionName);
            Assert.Equal(path, fromFile.FileName);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FileOnDiskOpensLikeTheSameBytesInMemory()
    {
        var path = Fixtures.Object("bootstrap");
        using var fromFile = BpfObject.Open(path);
        using var fromMemory = BpfObject.Open(File.ReadAllBytes(path), "bootstrap");
        Assert.Equal(fromMemory.Programs.Select(p => (p.Name, p.SectionName, p.Instructions.Count)), fromFile.Programs.Select(p => (p.Name, p.SectionName, p.Instructions.Count)));
        Assert.Equal(fromMemory.Maps.Select(m => (m.Name, m.KeySize, m.ValueSize, m.MaxEntries)), fromFile.Maps.Select(m => (m.Name, m.KeySize, m.ValueSize, m.MaxEntries)));
        Assert.Equal(fromMemory.Btf!.GetTypes().Count(), fromFile.Btf!.GetTypes().Count());
        Assert.Equal(fromMemory.License, fromFile.License);
    }

    private static BpfFormatException OpenFails(byte[] bytes, string name)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<BpfFormatException>(() => BpfObject.Open(bytes, name));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationLimit, $"{allocated} bytes allocated before failing: {e.Message}");
        Assert.StartsWith(name, e.Message, StringComparison.Ordinal);
        return e;
    }

    private static byte[] WithSectionField(string fixture, string section, int field, ulong value)
    {
        var bytes = File.ReadAllBytes(Fixtures.Object(fixture));
        using var elf = ElfFile.Parse((byte[])bytes.Clone());
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        int index = elf.FindSection(section)!.Index;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)shoff + index * 64 + field), value);
        return bytes;
    }
}
