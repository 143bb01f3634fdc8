using System.Buffers.Binary;
using System.Diagnostics;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Malformed objects: truncations and corrupted headers, offsets, string indexes and BTF type ids, generated as
/// bounded, seeded mutations of the fixtures. Every one either opens or fails with a BpfFormatException of our
/// own making (no internal exception wrapped inside it), within a time bound.
/// </summary>
public class MalformedInputTests
{
    private static readonly string[] Seeds = ["minimal", "bootstrap", "calls", "mapinmap", "sections", "kconfig", "maps", "ksyms"];

    public static IEnumerable<object[]> SeedNames => Seeds.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(SeedNames))]
    public void MutationsFailCleanly(string fixture)
    {
        var original = File.ReadAllBytes(Fixtures.Object(fixture));
        // Deterministic per fixture (string hash codes are randomised per process); PSBPF_FUZZ_SEED explores further.
        int seed = fixture.Aggregate(int.Parse(Environment.GetEnvironmentVariable("PSBPF_FUZZ_SEED") ?? "24301"), (h, c) => h * 31 + c);
        var rng = new Random(seed);
        var sw = Stopwatch.StartNew();
        int opened = 0, rejected = 0;
        foreach (var (label, bytes) in Mutations(original, rng).Take(int.Parse(Environment.GetEnvironmentVariable("PSBPF_FUZZ_COUNT") ?? "600")))
        {
            var one = Stopwatch.StartNew();
            try
            {
                using var o = BpfObject.Open(bytes, fixture);
                foreach (var g in o.Globals) _ = g.Value; // decoding must be safe too
                opened++;
            }
            catch (BpfFormatException e)
            {
                // Only ELFSharp's exceptions may be wrapped (it reports bad input as whatever its reads run into), and
                // then the message must say which part of the file it was reading; anything else is one of our bugs.
                Assert.True(e.InnerException is null || ThrownByElfSharp(e.InnerException), $"{label}: internal {e.InnerException?.GetType().Name} wrapped: {e.InnerException}");
                Assert.True(e.InnerException is null || e.SectionName is not null, $"{label}: wrapped ELFSharp error names no part of the file: {e.Message}");
                Assert.False(string.IsNullOrWhiteSpace(e.Detail), label);
                Assert.StartsWith(fixture, e.Message, StringComparison.Ordinal);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{label}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }

            Assert.True(one.Elapsed < TimeSpan.FromSeconds(2), $"{label} took {one.Elapsed}");
        }

        Assert.True(rejected > 100, $"only {rejected} of the mutations were rejected ({opened} opened)");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"mutation run took {sw.Elapsed}");
    }

    [Fact]
    public void EmptyAndTinyInputs()
    {
        Assert.Contains("not an ELF file", Assert.Throws<BpfFormatException>(() => BpfObject.Open(Array.Empty<byte>(), "empty")).Message);
        Assert.Contains("truncated ELF header", Assert.Throws<BpfFormatException>(() => BpfObject.Open(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1 }, "tiny")).Message);
        Assert.Contains("32-bit", Assert.Throws<BpfFormatException>(() => BpfObject.Open(Header(cls: 1), "elf32")).Message);
    }

    [Fact]
    public void NotBpfMachine()
    {
        var bytes = File.ReadAllBytes(Fixtures.Object("minimal"));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 62); // EM_X86_64
        var e = Assert.Throws<BpfFormatException>(() => BpfObject.Open(bytes, "x86"));
        Assert.Contains("not BPF", e.Message);
        Assert.Equal(18, e.Offset);
    }

    [Fact]
    public void UserSpaceBinaryIsNotAnObject()
    {
        var e = Assert.Throws<BpfFormatException>(() => BpfObject.Open(File.ReadAllBytes(Path.Combine(Fixtures.BuildDir, "uprobe_target")), "uprobe_target"));
        Assert.Contains("not a relocatable object", e.Message);
    }

    [Fact]
    public void CorruptBtfTypeIdNamesTheType()
    {
        var bytes = File.ReadAllBytes(Fixtures.Object("minimal"));
        var elf = PSBpf.Engine.Elf.ElfFile.Parse(bytes);
        var btfSec = elf.FindSection(".BTF")!;
        int btf = (int)btfSec.Offset;
        int hdr = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(btf + 4));
        int typeOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(btf + 8));
        // the first type is usually a PTR/INT/...; point its 'type' field far out of range
        int first = btf + hdr + typeOff;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(first + 4), 2u << 24); // make it a PTR
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(first + 8), 0x00ffffff);
        var e = Assert.Throws<BpfFormatException>(() => BpfObject.Open(bytes, "badbtf"));
        Assert.Contains("refers to type id 16777215", e.Message);
        Assert.Equal(".BTF", e.SectionName);
    }

    [Fact]
    public void TruncatedSectionNamesTheSection()
    {
        var bytes = File.ReadAllBytes(Fixtures.Object("bootstrap"));
        var elf = PSBpf.Engine.Elf.ElfFile.Parse(bytes);
        var btfSec = elf.FindSection(".BTF")!;
        var cut = bytes.AsSpan(0, (int)btfSec.Offset + 10).ToArray();
        var e = Assert.ThrowsAny<BpfFormatException>(() => BpfObject.Open(cut, "cut"));
        Assert.Contains("beyond the end", e.Message);
    }

    /// <summary>True when the innermost frame of <paramref name="e"/> is ELFSharp's code.</summary>
    internal static bool ThrownByElfSharp(Exception e) =>
        e.StackTrace?.TrimStart().StartsWith("at ELFSharp.", StringComparison.Ordinal) == true;

    private static byte[] Header(byte cls)
    {
        var h = new byte[64];
        h[0] = 0x7f; h[1] = (byte)'E'; h[2] = (byte)'L'; h[3] = (byte)'F'; h[4] = cls; h[5] = 1;
        return h;
    }

    /// <summary>Truncations, then flips and overwrites aimed at the ELF header, section headers, .BTF and .BTF.ext, then anywhere.</summary>
    private static IEnumerable<(string, byte[])> Mutations(byte[] original, Random rng)
    {
        var elf = PSBpf.Engine.Elf.ElfFile.Parse(original);
        var regions = new List<(string Name, int Start, int Length)> { ("ELF header", 0, 64) };
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(40));
        regions.Add(("section headers", (int)shoff, elf.Sections.Count * 64));
        foreach (var name in new[] { ".BTF", ".BTF.ext", ".symtab", ".maps", ".strtab" })
        {
            if (elf.FindSection(name) is { } s && s.Data.Length > 0) regions.Add((name, (int)s.Offset, s.Data.Length));
        }

        foreach (var s in elf.Sections.Where(s => s.Name.StartsWith(".rel", StringComparison.Ordinal)))
        {
            regions.Add((s.Name, (int)s.Offset, s.Data.Length));
        }

        for (int i = 0; i < 40; i++)
        {
            int len = rng.Next(original.Length);
            yield return ($"truncated to {len}", original.AsSpan(0, len).ToArray());
        }

        int[] interesting = [0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, -1, int.MinValue, 0x10000, 24, 12];
        while (true)
        {
            var copy = (byte[])original.Clone();
            var (name, start, length) = regions[rng.Next(regions.Count)];
            int count = 1 + rng.Next(4);
            for (int k = 0; k < count; k++)
            {
                int at = start + rng.Next(Math.Max(1, length));
                if (at >= copy.Length) continue;
                switch (rng.Next(3))
                {
                    case 0:
                        copy[at] ^= (byte)(1 << rng.Next(8));
                        break;
                    case 1:
                        copy[at] = (byte)rng.Next(256);
                        break;
                    default:
                        int aligned = at & ~3;
                        if (aligned + 4 <= copy.Length) BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(aligned), interesting[rng.Next(interesting.Length)]);
                        break;
                }
            }

            yield return ($"{count} change(s) in {name}", copy);
        }
    }
}
