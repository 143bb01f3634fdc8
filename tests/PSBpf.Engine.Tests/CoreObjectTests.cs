using System.Diagnostics;
using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Loader;

namespace PSBpf.Engine.Tests;

/// <summary>
/// CO-RE on whole objects: the per-program driver, poisoning and existence checks on the corpus,
/// and the candidate search over the running kernel's BTF.
/// </summary>
public class CoreObjectTests
{
    private static string Corpus(string file) => Path.Combine(Fixtures.CorpusDir, file);

    /// <summary>
    /// errors.c: a field of a type the kernel lacks poisons its load (call 0xbad2310) and an enumerator it lacks
    /// poisons both ld_imm64 slots; neither is an exception (the verifier complains only if the code is reachable).
    /// Relocations are numbered across the section ("socket" holds both programs), as libbpf numbers them.
    /// </summary>
    [Fact]
    public void MissingFieldAndEnumeratorPoisonWithoutThrowing()
    {
        using var obj = BpfObject.Open(Corpus("errors-el.elf"));
        var relocator = new CoreRelocator(obj.Btf!, BtfSpec.Load("/sys/kernel/btf/vmlinux"));
        var poison = new BpfInstruction(0x85, 0, 0, 0, 0xbad2310);

        var single = obj.Programs["poisoned_single"];
        var insns = single.Instructions.ToArray();
        var results = relocator.Relocate(single, insns);
        Assert.Equal([0, 1], results.Select(r => r.RelocationIndex));
        var field = results[1];
        Assert.True(field.Poisoned);
        Assert.Equal(BtfCoreRelocationKind.FieldByteOffset, field.Kind);
        Assert.Equal("struct nonexist", field.LocalType);
        Assert.Null(field.TargetTypeId);
        Assert.Equal(poison, insns[field.InstructionIndex]);
        Assert.Equal(poison, field.PatchedInstruction);
        Assert.Equal(1, insns.Count(i => i == poison));

        var dbl = obj.Programs["poisoned_double"];
        var dInsns = dbl.Instructions.ToArray();
        var dResults = relocator.Relocate(dbl, dInsns);
        Assert.Equal([2, 3], dResults.Select(r => r.RelocationIndex));
        var value = dResults[1];
        Assert.True(value.Poisoned);
        Assert.Equal(BtfCoreRelocationKind.EnumValue, value.Kind);
        Assert.True(dbl.Instructions[value.InstructionIndex].IsLoadImm64);
        Assert.Equal(poison, dInsns[value.InstructionIndex]);
        Assert.Equal(poison, dInsns[value.InstructionIndex + 1]);
        Assert.Contains("→ poisoned", value.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// relocs_read.c: bpf_core_type_exists / bpf_core_field_exists / bpf_core_enum_value_exists of types the
    /// target lacks are 0 (not poisoned), and the moved/resized bitfields get libbpf's values (same numbers as
    /// the differential log test, checked here on the instructions themselves).
    /// </summary>
    [Fact]
    public void ExistenceChecksOfMissingTypesAreZero()
    {
        using var obj = BpfObject.Open(Corpus("btf__testdata__relocs_read-el.elf"));
        var target = CoreDifferentialTests.LoadTarget(Corpus("btf__testdata__relocs_read_tgt-el.elf"));
        var relocator = new CoreRelocator(obj.Btf!, target);
        var sub = obj.Subprograms["read_subprog"];
        var insns = sub.Instructions.ToArray();
        var results = relocator.Relocate(sub, insns);
        Assert.Equal(47, results.Count);
        Assert.All(results, r => Assert.False(r.Poisoned));

        foreach (var (index, kind, insn) in new[] { (44, BtfCoreRelocationKind.TypeExists, 205), (45, BtfCoreRelocationKind.FieldExists, 208), (46, BtfCoreRelocationKind.EnumValueExists, 210) })
        {
            var r = results[index];
            Assert.Equal((kind, insn, 1UL, 0UL), (r.Kind, r.InstructionIndex, r.OriginalValue, r.NewValue));
            Assert.Null(r.TargetTypeId);
            if (insns[insn].IsLoadImm64)
            {
                Assert.Equal((0, 0), (insns[insn].Immediate, insns[insn + 1].Immediate));
            }
            else
            {
                Assert.Equal(0, insns[insn].Immediate);
            }
        }

        // struct s { char b; char a; } locally, { char a; char b; } in the target: the loads swap offsets.
        Assert.Equal((short)0, insns[5].Offset);
        Assert.Equal((short)1, insns[10].Offset);
        // bits.f: u64 f:16 locally, a plain u16 at byte 2 in the target: offset 2, size 2, lshift 48.
        Assert.Equal((2, 2, 48), (insns[150].Immediate, insns[154].Immediate, insns[169].Immediate));
    }

    /// <summary>The per-program driver and the whole-object driver make the same decisions and patches.</summary>
    [Fact]
    public void PerProgramAndWholeObjectAgree()
    {
        var path = Corpus("btf__testdata__relocs-el.elf");
        var target = CoreDifferentialTests.LoadTarget(path);
        using var a = BpfObject.Open(path);
        using var b = BpfObject.Open(path);
        var names = new[] { "type_ids", "types", "enums", "fields" };

        var perProgram = new CoreRelocator(a.Btf!, target);
        var aInsns = names.ToDictionary(n => n, n => a.Programs[n].Instructions.ToArray());
        var aResults = names.SelectMany(n => perProgram.Relocate(a.Programs[n], aInsns[n])).ToList();

        foreach (var p in b.Programs) p.AutoLoad = names.Contains(p.Name);
        var bInsns = names.ToDictionary(n => n, n => b.Programs[n].Instructions.ToArray());
        var bResults = new CoreRelocator(b.Btf!, target).RelocateObject(b, p => bInsns.GetValueOrDefault(p.Name));

        Assert.Equal(28 + 18 + 7 + 48, aResults.Count);
        Assert.Equal(aResults.Select(r => r.ToString()), bResults.Select(r => r.ToString()));
        foreach (var n in names) Assert.Equal(aInsns[n], bInsns[n]);
        // Against its own BTF nothing changes value, and every relocation was checked against the instruction
        // except TYPE_ID_LOCAL/TARGET (ids may change at link time, so libbpf does not validate them).
        Assert.All(aResults, r => Assert.Equal(r.OriginalValue, r.NewValue));
        Assert.All(aResults, r => Assert.Equal(r.Kind is not (BtfCoreRelocationKind.TypeIdLocal or BtfCoreRelocationKind.TypeIdTarget), r.Validated));
    }

    /// <summary>Ambiguity stops relocation with an exception naming program, relocation, kind, access and local type.</summary>
    [Fact]
    public void AmbiguityThrowsFromPerProgramDriver()
    {
        var path = Corpus("btf__testdata__relocs-el.elf");
        using var obj = BpfObject.Open(path);
        var relocator = new CoreRelocator(obj.Btf!, CoreDifferentialTests.LoadTarget(path));
        var p = obj.Programs["err_ambiguous_flavour"];
        var e = Assert.Throws<CoreRelocationException>(() => relocator.Relocate(p, p.Instructions.ToArray()));
        Assert.Equal(("err_ambiguous_flavour", 0, BtfCoreRelocationKind.TypeIdTarget, "0", "struct ambiguous___flavour"),
            (e.Program, e.RelocationIndex, e.Kind, e.AccessString, e.LocalType));
        Assert.Contains("relocation decision ambiguity", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The indexed candidate search finds exactly what libbpf's linear scan over every type finds (same essential
    /// name, compatible kind, ascending ids), including flavoured kernel types such as nf_conn___init, for every
    /// flavoured name in the running kernel's BTF and a few ordinary ones.
    /// </summary>
    [Fact]
    public void CandidateSearchOverKernelBtfEqualsLinearScan()
    {
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var all = vmlinux.GetTypes().Where(t => t.Name.Length > 0).ToList();
        var flavoured = all.Where(t => BtfCoreNames.EssentialName(t.Name) != t.Name)
            .Select(t => (BtfCoreNames.EssentialName(t.Name), t.Kind)).Distinct().ToList();
        Assert.Contains(flavoured, f => f.Item1 == "nf_conn");
        var wanted = flavoured.Concat([("task_struct", BtfKind.Struct), ("pid_t", BtfKind.Typedef), ("bpf_map_type", BtfKind.Enum), ("no_such_type", BtfKind.Struct)]).ToList();

        // Local BTF: one type per wanted name/kind, with a local flavour on every other one.
        var local = new CoreRelocatorTests.CoreTestBtf();
        uint i32 = local.Int("int", 4, signed: true);
        var ids = new List<(uint Id, string Essential, BtfKind Kind)>();
        for (int i = 0; i < wanted.Count; i++)
        {
            var (name, kind) = wanted[i];
            string localName = i % 2 == 0 ? name : name + "___local";
            uint id = kind switch
            {
                BtfKind.Struct => local.Struct(localName, 4, ("x", i32, 0)),
                BtfKind.Union => local.Union(localName, 4, ("x", i32, 0)),
                BtfKind.Enum or BtfKind.Enum64 => local.Enum(localName, 4, false, ("X", 0)),
                BtfKind.Typedef => local.Typedef(localName, i32),
                _ => 0,
            };
            if (id != 0) ids.Add((id, name, kind));
        }

        var finder = new CoreCandidateFinder(local.Spec(), vmlinux, []);
        var byEssential = all.GroupBy(t => BtfCoreNames.EssentialName(t.Name)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (id, essential, kind) in ids)
        {
            var expected = byEssential.GetValueOrDefault(essential, [])
                .Where(t => t.Kind == kind || (t.Kind is BtfKind.Enum or BtfKind.Enum64 && kind is BtfKind.Enum or BtfKind.Enum64))
                .Select(t => t.Id).Order().ToList();
            var actual = finder.Get(id, _ => { }).Select(c => c.Id).ToList();
            Assert.True(expected.SequenceEqual(actual), $"{essential} ({kind}): expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
        }

        var nfConn = ids.First(x => x.Essential == "nf_conn" && x.Kind == BtfKind.Struct);
        Assert.Contains(finder.Get(nfConn.Id, _ => { }), c => vmlinux[c.Id].Name == "nf_conn___init");
    }

    /// <summary>
    /// Relocating against the ~150k-type kernel BTF stays interactive: the name index and the flavour index are
    /// built once per BTF, not per relocation.
    /// </summary>
    [Fact]
    public void KernelRelocationIsFast()
    {
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        var sw = Stopwatch.StartNew();
        var results = new CoreRelocator(obj.Btf!, vmlinux).RelocateObject(obj, p => p.Instructions.ToArray());
        sw.Stop();
        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.Equal("vmlinux", r.TargetBtf));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"CO-RE against vmlinux took {sw.Elapsed}");
    }
}
