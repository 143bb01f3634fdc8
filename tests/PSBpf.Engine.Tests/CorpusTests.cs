namespace PSBpf.Engine.Tests;

/// <summary>
/// Every object of ../shared/corpus/cilium-ebpf opens, except the ones that are invalid by design,
/// which fail with the documented error (docs/open-phase.md, "Corpus").
/// </summary>
public class CorpusTests
{
    /// <summary>File → (exception type, text the message must contain).</summary>
    private static readonly Dictionary<string, (Type Exception, string Message)> Rejected = new()
    {
        ["loader-clang-14-eb.elf"] = (typeof(BpfByteOrderException), "other byte order"),
        ["invalid_btf_map_init-el.elf"] = (typeof(BpfFormatException), "map 'hash_map': the .maps section holds non-zero data"),
        ["invalid_map-el.elf"] = (typeof(BpfFormatException), "legacy map 'invalid_map': definition has 4 bytes after the 20-byte struct bpf_map_def"),
        ["invalid_map_static-el.elf"] = (typeof(BpfFormatException), "legacy map 'hash_map' is static"),
    };

    public static IEnumerable<object[]> Files => Fixtures.CorpusFiles();

    /// <summary>The copy in tests/corpus (used where ../shared is absent) must not drift from the shared corpus.</summary>
    [Fact]
    public void VendoredCopyMatchesTheSharedCorpus()
    {
        if (!Directory.Exists(Fixtures.SharedCorpusDir))
        {
            return; // a standalone checkout has only the copy; nothing to compare
        }

        foreach (var f in Directory.EnumerateFiles(Fixtures.SharedCorpusDir))
        {
            var copy = Path.Combine(Fixtures.VendoredCorpusDir, Path.GetFileName(f));
            Assert.True(File.Exists(copy), $"{copy} is missing: copy ../shared/corpus/cilium-ebpf into tests/corpus");
            Assert.True(File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(copy)), $"{copy} differs from the shared corpus");
        }
    }

    [Fact]
    public void CorpusIsPresent() => Assert.True(Fixtures.CorpusFiles().Count() >= 37, $"expected the 37 corpus objects in {Fixtures.CorpusDir}");

    [Theory]
    [MemberData(nameof(Files))]
    public void OpensOrFailsAsDocumented(string file)
    {
        var path = Path.Combine(Fixtures.CorpusDir, file);
        if (Rejected.TryGetValue(file, out var expected))
        {
            var e = Assert.ThrowsAny<BpfFormatException>(() => BpfObject.Open(path));
            Assert.IsType(expected.Exception, e);
            Assert.Contains(expected.Message, e.Message);
            Assert.Contains(file, e.Message); // the error names the file
            return;
        }

        using var obj = BpfObject.Open(path);
        Assert.True(obj.Programs.Count + obj.Maps.Count + obj.Subprograms.Count > 0, $"{file} opened empty");
    }

    [Fact]
    public void LoaderObjectModel()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "loader-clang-14-el.elf"));
        Assert.Equal(BpfProgramType.xdp, obj.Programs["xdp_prog"].Type);
        Assert.True(obj.Subprograms.Contains("static_fn")); // static function in its own section: a callee
        Assert.Equal(BpfPinning.ByName, obj.Maps["btf_pin"].Pinning);
        Assert.Equal("/sys/fs/bpf/btf_pin", obj.Maps["btf_pin"].PinPath);
        var outer = obj.Maps["btf_outer_map"];
        Assert.Equal(BpfMapType.array_of_maps, outer.Type);
        Assert.NotNull(outer.InnerMap);
        Assert.Equal("btf_outer_map.inner", outer.InnerMap!.Name);
        Assert.Equal(BpfExternKind.Unresolved, obj.Externs["MY_CONST"].Kind); // inline-asm constant, no BTF
        Assert.Contains(obj.Programs["asm_relocation"].Relocations, r => r.Kind == BpfRelocationKind.ExternLoad && r.ExternName == "MY_CONST");
    }

    [Fact]
    public void InitialSlotsFromValues()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "btf_map_init-el.elf"));
        Assert.Equal(new string?[] { null, "tail_1" }, obj.Maps["prog_array_init"].InitialSlots);
        Assert.Equal(new string?[] { null, "inner_map" }, obj.Maps["outer_map_init"].InitialSlots);
    }

    [Fact]
    public void LegacyIproute2MapIsPinnedByName()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "iproute2_map_compat-el.elf"));
        var m = obj.Maps["hash_map"];
        Assert.Equal(BpfMapOrigin.Legacy, m.Origin);
        Assert.Equal(BpfPinning.ByName, m.Pinning);
    }

    [Fact]
    public void KconfigExternsAreLaidOutLikeLibbpf()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "kconfig-el.elf"));
        var kconfig = obj.Maps.Single(m => m.Origin == BpfMapOrigin.Kconfig);
        Assert.Equal("kconfig.kconfig", kconfig.Name);
        Assert.Equal(BpfMapFlags.ReadOnlyProgram | BpfMapFlags.Mmapable, kconfig.Flags);
        // descending alignment, then ascending size, then name; offsets aligned
        var exts = obj.Externs.Where(e => e.Kind == BpfExternKind.Kconfig).ToList();
        for (int i = 1; i < exts.Count; i++)
        {
            Assert.True(exts[i - 1].Alignment > exts[i].Alignment
                || (exts[i - 1].Alignment == exts[i].Alignment && exts[i - 1].Size <= exts[i].Size));
            Assert.Equal(0, exts[i].DataOffset % exts[i].Alignment);
            Assert.True(exts[i].DataOffset >= exts[i - 1].DataOffset + exts[i - 1].Size);
        }

        Assert.Equal((uint)(exts[^1].DataOffset + exts[^1].Size), kconfig.ValueSize);
    }
}
