using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;
using PSBpf.Engine.Loader;

namespace PSBpf.Engine.Tests;

/// <summary>
/// CO-RE relocation compared with libbpf line by line. The oracle runs libbpf's load with -v (and
/// --btf-custom-path where the target is not the running kernel); libbpf logs every CO-RE decision at debug
/// level before BPF_PROG_LOAD, so its log is complete even when the kernel later refuses a program. PSBpf's
/// <see cref="CoreRelocator"/> writes the same lines; both logs must be identical: candidates found, the
/// local spec, every candidate's (partial) match, the patch or poisoning of each instruction, and the
/// ambiguity error.
/// </summary>
/// <remarks>
/// Debian's libbpf is 1.1.2; PSBpf follows current libbpf (libbpf/libbpf src/relo_core.c at HEAD). The two
/// differ only in ways that none of these objects exercise: the load size tracked for fields that are arrays
/// (element size since "fix LDX/STX/ST CO-RE relocation size adjustment logic"), FIELD_SIGNED on
/// non-int non-enum fields, negative access indices, and the wording of warnings.
/// </remarks>
public class CoreDifferentialTests
{
    private const string Vmlinux = "/sys/kernel/btf/vmlinux";

    private static string Corpus(string file) => Path.Combine(Fixtures.CorpusDir, file);

    [Fact]
    public void BootstrapAgainstRunningKernel()
    {
        var (ours, theirs, error) = Compare(Fixtures.Object("bootstrap"), null);
        Assert.Null(error);
        Assert.Contains(theirs, l => l.StartsWith("prog 'handle_exec': relo #0: patched insn #", StringComparison.Ordinal));
        Assert.Contains(theirs, l => l.StartsWith("prog 'handle_exit': relo #2: patched insn #", StringComparison.Ordinal));
        Assert.Equal(theirs, ours);
    }

    /// <summary>Fixture objects with CO-RE relocations.</summary>
    public static IEnumerable<object[]> CoreFixtures() => Fixtures.ObjectNames().Where(n =>
    {
        using var obj = BpfObject.Open(Fixtures.Object((string)n[0]));
        return obj.Programs.Concat(obj.Subprograms).Any(p => p.CoreRelocations.Count > 0);
    });

    /// <summary>Every fixture with CO-RE relocations, against the running kernel: the same log as libbpf's.</summary>
    [Theory]
    [MemberData(nameof(CoreFixtures))]
    public void FixtureAgainstRunningKernel(string name)
    {
        var (ours, theirs, error) = Compare(Fixtures.Object(name), null);
        Assert.Null(error);
        Assert.Equal(theirs, ours);
    }

    /// <summary>
    /// CO-RE fixtures whose every program needs more of the loader than CO-RE and map references to rebuild: their tags
    /// are compared through the whole loader by <see cref="LoadTests.TagsMatchLibbpf"/> instead.
    /// </summary>
    private static readonly Dictionary<string, string> NoProgramToRebuild = new()
    {
        ["ksyms"] = "every program reads __ksym externs",
        ["usdt"] = "every program calls usdt.bpf.h's subprograms (bpf_usdt_arg)",
    };

    /// <summary>CO-RE fixtures whose tags are rebuilt here: all but libbpf's exclusions (LoadTests) and the ones above.</summary>
    public static IEnumerable<object[]> CoreFixturesLibbpfLoads() => CoreFixtures().Where(n =>
        !LoadTests.NotLoadedByLibbpf.ContainsKey((string)n[0]) && !NoProgramToRebuild.ContainsKey((string)n[0]));

    /// <summary>
    /// Bit for bit: for each fixture program libbpf loads whose only other relocations are map and global-data
    /// references, the CO-RE-patched instructions plus those references (ld_imm64 src_reg BPF_PSEUDO_MAP_FD or
    /// BPF_PSEUDO_MAP_VALUE; the kernel zeroes both immediates when it computes the tag) hash to the tag the
    /// kernel reported for libbpf's load. The kernel's tag is the first 8 bytes of SHA-256 (SHA-1 before 6.18).
    /// Programs that call subprograms or use externs need the rest of the loader and are left out; programs libbpf
    /// cannot load here are left out as LoadTests.LoadedInPart says.
    /// </summary>
    [Theory]
    [MemberData(nameof(CoreFixturesLibbpfLoads))]
    public void FixtureTagsMatchLibbpf(string name)
    {
        var path = Fixtures.Object(name);
        using var obj = BpfObject.Open(path);
        var leftOut = LoadTests.LoadedInPart.TryGetValue(name, out var part) ? part.Programs : [];
        using var oracle = leftOut.Length == 0
            ? Oracle.Run("load", path)
            : Oracle.Run("load", path, "--only", string.Join(',', obj.Programs.Names.Except(leftOut)));
        Assert.False(oracle.RootElement.TryGetProperty("error", out var why), $"libbpf failed to load {name}: {why}");

        var tags = oracle.RootElement.GetProperty("programs").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("tag").GetString()!);
        var eligible = obj.Programs
            .Where(p => tags.ContainsKey(p.Name) && Rebuildable(p))
            .ToList();
        Assert.Contains(eligible, p => p.CoreRelocations.Count > 0); // at least one CO-RE-patched program is compared

        var relocator = new CoreRelocator(obj.Btf!, LoadTarget(null));
        foreach (var p in eligible)
        {
            var insns = p.Instructions.ToArray();
            relocator.Relocate(p, insns);
            foreach (var r in p.Relocations)
            {
                byte src = r.Kind == BpfRelocationKind.MapReference ? (byte)1 : (byte)2; // BPF_PSEUDO_MAP_FD / _VALUE
                insns[r.InstructionIndex] = insns[r.InstructionIndex] with { Source = src, Immediate = 0 };
                insns[r.InstructionIndex + 1] = insns[r.InstructionIndex + 1] with { Immediate = 0 };
            }

            var bytes = new byte[insns.Length * BpfInstruction.Size];
            for (int i = 0; i < insns.Length; i++) insns[i].Encode(bytes.AsSpan(i * BpfInstruction.Size));
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
            string sha1 = Convert.ToHexStringLower(SHA1.HashData(bytes))[..16];
            string tag = tags[p.Name];
            Assert.True(tag == sha256 || tag == sha1, $"{name}/{p.Name}: kernel tag {tag}, PSBpf's instructions hash to {sha256} (sha256) / {sha1} (sha1)");
        }
    }

    /// <summary>Every CO-RE fixture has its tags rebuilt above, or is excluded with a reason that holds.</summary>
    [Fact]
    public void EveryCoreFixtureHasItsTagsRebuiltOrAReason()
    {
        var core = CoreFixtures().Select(n => (string)n[0]).ToList();
        var rebuilt = CoreFixturesLibbpfLoads().Select(n => (string)n[0]).ToHashSet();
        Assert.True(rebuilt.Count >= 15, $"only {rebuilt.Count} CO-RE fixtures compared: {string.Join(", ", rebuilt)}");
        foreach (var name in core.Where(n => !rebuilt.Contains(n)))
        {
            if (LoadTests.NotLoadedByLibbpf.ContainsKey(name)) continue; // the reason is there, and LoadTests checks it holds
            Assert.True(NoProgramToRebuild.ContainsKey(name), $"{name}: neither compared nor excluded");
            using var obj = BpfObject.Open(Fixtures.Object(name));
            Assert.DoesNotContain(obj.Programs, Rebuildable); // else it belongs in the comparison
            Assert.Contains(name, LoadTests.Loadable.Select(n => (string)n[0])); // compared through the whole loader instead
        }

        Assert.All(NoProgramToRebuild.Keys, n => Assert.Contains(n, core));
    }

    /// <summary>A program whose only relocations besides CO-RE are map and global-data references.</summary>
    private static bool Rebuildable(BpfProgram p) => p.Relocations.All(r => r.Kind is BpfRelocationKind.MapReference or BpfRelocationKind.Data);

    /// <summary>The cilium/ebpf CO-RE objects against the running kernel (which happens to have a struct s, among others).</summary>
    [Theory]
    [InlineData("btf__testdata__relocs-el.elf")]
    [InlineData("btf__testdata__relocs_read-el.elf")]
    [InlineData("btf__testdata__relocs_enum-el.elf")]
    [InlineData("errors-el.elf")]
    public void CorpusAgainstRunningKernel(string file)
    {
        var (ours, theirs, error) = Compare(Corpus(file), null);
        Assert.Equal(theirs, ours);
        Assert.Equal(theirs.Any(l => l.Contains("ambiguity", StringComparison.Ordinal)), error is not null);
    }

    /// <summary>Every relocation kind, against the object's own BTF (as cilium/ebpf's tests do); err_ambiguous* are left out here.</summary>
    [Fact]
    public void RelocsAgainstOwnBtf()
    {
        var path = Corpus("btf__testdata__relocs-el.elf");
        var (ours, theirs, error) = Compare(path, path, "type_ids,types,enums,fields");
        Assert.Null(error);
        Assert.Equal(28 + 18 + 7 + 48, theirs.Count(l => l.Contains(": patched insn #", StringComparison.Ordinal)));
        Assert.Equal(theirs, ours);
    }

    /// <summary>struct ambiguous and struct ambiguous___flavour are both candidates with different ids: libbpf refuses.</summary>
    [Theory]
    [InlineData("err_ambiguous", "struct ambiguous")]
    [InlineData("err_ambiguous_flavour", "struct ambiguous___flavour")]
    public void AmbiguousTargetTypeId(string program, string localType)
    {
        var path = Corpus("btf__testdata__relocs-el.elf");
        var (ours, theirs, error) = Compare(path, path, program);
        Assert.Equal(theirs, ours);
        Assert.Contains(theirs, l => l.Contains("relocation decision ambiguity", StringComparison.Ordinal));
        var e = Assert.IsType<CoreRelocationException>(error);
        Assert.Equal(program, e.Program);
        Assert.Equal(localType, e.LocalType);
        Assert.Equal(BtfCoreRelocationKind.TypeIdTarget, e.Kind);
        Assert.Equal("0", e.AccessString);
        Assert.Equal(0, e.RelocationIndex);
        Assert.Equal(22, e.Errno);
        Assert.StartsWith($"prog '{program}': relo #0: relocation decision ambiguity: success ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Reordered fields, bitfields that move and change width, and missing types, in a subprogram (.text).</summary>
    [Fact]
    public void RelocsReadAgainstTargetObject()
    {
        var (ours, theirs, error) = Compare(Corpus("btf__testdata__relocs_read-el.elf"), Corpus("btf__testdata__relocs_read_tgt-el.elf"));
        Assert.Null(error);
        Assert.Contains("prog 'read_subprog': relo #44: patched insn #205 (ALU/ALU64) imm 1 -> 0", theirs);
        Assert.Equal(theirs, ours);
    }

    /// <summary>An enumerator the running kernel lacks: ENUMVAL_EXISTS becomes 0, ENUMVAL_VALUE poisons both ld_imm64 slots.</summary>
    [Fact]
    public void RelocsEnumAgainstRunningKernel()
    {
        var (ours, theirs, error) = Compare(Corpus("btf__testdata__relocs_enum-el.elf"), null);
        Assert.Null(error);
        Assert.Contains("prog 'core_ld64imm': relo #1: substituting insn #4 w/ invalid insn", theirs);
        Assert.Equal(theirs, ours);
    }

    /// <summary>Poisoned field and enum value relocations (numbered across the two programs of one section).</summary>
    [Fact]
    public void ErrorsAgainstRunningKernel()
    {
        var (ours, theirs, error) = Compare(Corpus("errors-el.elf"), null);
        Assert.Null(error);
        Assert.Contains("prog 'poisoned_double': relo #3: substituting insn #5 w/ invalid insn", theirs);
        Assert.Equal(theirs, ours);
    }

    /// <summary>
    /// Runs libbpf (oracle load -v) and PSBpf on the same object and target and returns both CO-RE logs, plus
    /// PSBpf's exception (if any). <paramref name="only"/> restricts both sides to the named programs.
    /// </summary>
    internal static (List<string> Ours, List<string> Theirs, Exception? Error) Compare(string path, string? target, string? only = null)
    {
        var theirs = LibbpfLog(path, target, only);
        var ours = new List<string>();
        using var obj = BpfObject.Open(path);
        if (only is not null)
        {
            var keep = only.Split(',');
            foreach (var p in obj.Programs) p.AutoLoad = keep.Contains(p.Name);
        }

        var relocator = new CoreRelocator(obj.Btf!, LoadTarget(target), log: ours.Add);
        Exception? error = null;
        try
        {
            relocator.RelocateObject(obj, p => p.Instructions.ToArray());
        }
        catch (CoreRelocationException e)
        {
            error = e;
        }

        return (ours.Where(IsCoreLine).ToList(), theirs, error);
    }

    /// <summary>The running kernel's BTF, or a custom target: an ELF object's .BTF or a raw BTF file (like btf__parse).</summary>
    internal static BtfSpec LoadTarget(string? target)
    {
        if (target is null) return BtfSpec.Load(Vmlinux);
        var bytes = File.ReadAllBytes(target);
        if (bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F')
        {
            var elf = ElfFile.Parse(bytes, target);
            var btf = elf.FindSection(".BTF") ?? throw new InvalidOperationException($"{target} has no .BTF");
            return BtfSpec.Parse(btf.Data, target);
        }

        return BtfSpec.Parse(bytes, target);
    }

    internal static List<string> LibbpfLog(string path, string? target, string? only)
    {
        var args = new List<string> { "-v", "load", path };
        if (target is not null) args.AddRange(["--btf-custom-path", target]);
        if (only is not null) args.AddRange(["--only", only]);
        var (_, _, stderr) = Sh.Capture(Fixtures.Oracle, [.. args]);
        var lines = stderr.Split('\n')
            .Where(l => l.StartsWith("libbpf: ", StringComparison.Ordinal))
            .Select(l => l["libbpf: ".Length..])
            .Where(IsCoreLine)
            .ToList();
        Assert.True(lines.Count > 0, $"libbpf logged no CO-RE lines for {path}: {stderr}");
        return lines;
    }

    /// <summary>
    /// The CO-RE decisions in libbpf's log. Left out: the caller's "failed to relocate/patch: -22" summaries,
    /// and the data-relocation lines that also say "relo #N" (map and subprogram relocations come later).
    /// </summary>
    private static readonly Regex CoreLine = new(
        @"^(CO-RE relocating |sec '[^']*': found \d+ CO-RE relocations$|sec '[^']*': skipping CO-RE relocation |prog '[^']*': relo #\d+: )",
        RegexOptions.CultureInvariant);

    private static bool IsCoreLine(string line) =>
        CoreLine.IsMatch(line)
        && !line.Contains(": failed to relocate: ", StringComparison.Ordinal)
        && !line.Contains(": failed to patch insn ", StringComparison.Ordinal)
        && !line.Contains(": failed to record relocation", StringComparison.Ordinal)
        && !line.Contains(" that loads map ", StringComparison.Ordinal)
        && !line.EndsWith(": bad insn", StringComparison.Ordinal)
        && !line.Contains(": bad relo type ", StringComparison.Ordinal);
}
