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

    private const string LegacyMaps = "elf: legacy map definitions in 'maps' section are not supported by libbpf v1.0+";
    private const string StaticProgram = "sec 'static': program 'static_fn' is static and not supported";

    /// <summary>
    /// Files libbpf 1.1.2 refuses to open: its errno and the line of its log that says why. The ones PSBpf opens have
    /// their model in <see cref="Expected"/> instead of a libbpf comparison; the rest are <see cref="Rejected"/> by both.
    /// Current libbpf opens none of the legacy-map ones either (libbpf 1.0 dropped SEC("maps")), nor static programs
    /// outside .text; cilium/ebpf, whose corpus this is, opens them all.
    /// </summary>
    internal static readonly Dictionary<string, (int Errno, string Log)> LibbpfRefuses = new()
    {
        ["arena-el.elf"] = (Native.Errno.EINVAL, "map 'arena': attr 'map_extra': expected PTR, got enum64."), // libbpf 1.4's arena
        ["btf__testdata__tags-el.elf"] = (Native.Errno.ENOENT, "failed to find BTF for extern 'fwdDecl'"),
        ["fwd_decl-el.elf"] = (Native.Errno.ENOENT, "failed to find BTF for extern 'fwd'"),
        ["iproute2_map_compat-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["linked-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["linked1-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["linked2-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["loader-clang-14-el.elf"] = (Native.Errno.EOPNOTSUPP, StaticProgram),
        ["loader-clang-17-el.elf"] = (Native.Errno.EOPNOTSUPP, StaticProgram),
        ["loader-clang-22-el.elf"] = (Native.Errno.EOPNOTSUPP, StaticProgram),
        ["loader_nobtf-el.elf"] = (Native.Errno.EOPNOTSUPP, StaticProgram),
        ["manyprogs-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["subprog_reloc-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["invalid_map-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["invalid_map_static-el.elf"] = (Native.Errno.EOPNOTSUPP, LegacyMaps),
        ["loader-clang-14-eb.elf"] = (4003, "elf: endianness mismatch"), // LIBBPF_ERRNO__ENDIAN
    };

    /// <summary>PSBpf's model of a file libbpf does not open: programs (name, SEC()), maps (name, type, origin), subprograms, in order.</summary>
    internal sealed record Model((string Name, string Section)[] Programs, (string Name, BpfMapType Type, BpfMapOrigin Origin)[] Maps, string[] Subprograms);

    private static Model Loader() => new([("global_fn3", "other"),
        ("xdp_prog", "xdp"),
        ("no_relocation", "socket"),
        ("asm_relocation", "socket/2"),
        ("data_sections", "socket/3"),
        ("anon_const", "socket/4")],
        [("bpf_decl_map", BpfMapType.array, BpfMapOrigin.Legacy),
            ("hash_map", BpfMapType.hash, BpfMapOrigin.Btf),
            ("hash_map2", BpfMapType.hash, BpfMapOrigin.Btf),
            ("btf_pin", BpfMapType.hash, BpfMapOrigin.Btf),
            ("btf_outer_map", BpfMapType.array_of_maps, BpfMapOrigin.Btf),
            ("btf_outer_map_anon", BpfMapType.array_of_maps, BpfMapOrigin.Btf),
            ("perf_event_array", BpfMapType.perf_event_array, BpfMapOrigin.Btf),
            ("btf_typedef_map", BpfMapType.array, BpfMapOrigin.Btf),
            ("btf_decl_map", BpfMapType.array, BpfMapOrigin.Btf),
            ("loader_c.bss", BpfMapType.array, BpfMapOrigin.Data),
            ("loader_c.data", BpfMapType.array, BpfMapOrigin.Data),
            ("loader_c.rodata", BpfMapType.array, BpfMapOrigin.Data),
            (".rodata.test", BpfMapType.array, BpfMapOrigin.Data),
            (".data.test", BpfMapType.array, BpfMapOrigin.Data),
            (".rodata.cst32", BpfMapType.array, BpfMapOrigin.Data)],
        ["global_fn2", "global_fn", "static_fn"]);

    /// <summary>
    /// The documented models of the files in <see cref="LibbpfRefuses"/> that PSBpf opens (cilium/ebpf's view of the same
    /// files, which its tests state). <see cref="ExpectationsAgreeWithReadelfAndBpftool"/> checks each against readelf's
    /// symbols and sections and bpftool's dump of the BTF.
    /// </summary>
    internal static readonly Dictionary<string, Model> Expected = new()
    {
        ["arena-el.elf"] = new([],
            [("arena", BpfMapType.arena, BpfMapOrigin.Btf)],
            []),
        ["btf__testdata__tags-el.elf"] = new([("prog", "syscall")],
            [("btf__tes.bss", BpfMapType.array, BpfMapOrigin.Data)],
            ["normalDecl1", "normalDecl2"]),
        ["fwd_decl-el.elf"] = new([("call_fwd", "socket")],
            [],
            []),
        ["iproute2_map_compat-el.elf"] = new([],
            [("hash_map", BpfMapType.hash, BpfMapOrigin.Legacy)],
            []),
        ["linked-el.elf"] = new([("entry_l2", "socket"),
            ("entry_l1_s", "socket"),
            ("entry_ww", "socket"),
            ("entry_l1", "socket"),
            ("entry_l1_w", "socket")],
            [("map_legacy_l1_s", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("map_legacy_l2_s", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("map_l1_w", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_l1_s", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_ww", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_l1", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_l2", BpfMapType.hash, BpfMapOrigin.Btf)],
            ["l1", "l1_s", "ww", "l2", "l1_w"]),
        ["linked1-el.elf"] = new([("entry_l2", "socket"), ("entry_l1_w", "socket"), ("entry_l1_s", "socket"), ("entry_ww", "socket")],
            [("map_legacy_l1_s", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("map_legacy_l2_s", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("map_l1_w", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_l1_s", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_ww", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_l1", BpfMapType.hash, BpfMapOrigin.Btf)],
            ["l1", "l1_w", "l1_s", "ww"]),
        ["linked2-el.elf"] = new([("entry_l1", "socket"), ("entry_l1_w", "socket"), ("entry_l1_s", "socket"), ("entry_ww", "socket")],
            [("map_legacy_l1_s", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("map_legacy_l2_s", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("map_l1_w", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_l1_s", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_ww", BpfMapType.hash, BpfMapOrigin.Btf),
                ("map_l2", BpfMapType.hash, BpfMapOrigin.Btf)],
            ["l2", "l1_w", "l1_s", "ww"]),
        ["loader_nobtf-el.elf"] = new([("global_fn3", "other"),
            ("xdp_prog", "xdp"),
            ("no_relocation", "socket"),
            ("asm_relocation", "socket/2"),
            ("data_sections", "socket/3"),
            ("anon_const", "socket/4")],
            [("hash_map", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("hash_map2", BpfMapType.hash, BpfMapOrigin.Legacy),
                ("perf_event_array", BpfMapType.perf_event_array, BpfMapOrigin.Legacy),
                ("loader_n.bss", BpfMapType.array, BpfMapOrigin.Data),
                ("loader_n.data", BpfMapType.array, BpfMapOrigin.Data),
                ("loader_n.rodata", BpfMapType.array, BpfMapOrigin.Data),
                (".rodata.test", BpfMapType.array, BpfMapOrigin.Data),
                (".data.test", BpfMapType.array, BpfMapOrigin.Data),
                (".rodata.cst32", BpfMapType.array, BpfMapOrigin.Data)],
            ["global_fn2", "global_fn", "static_fn"]),
        ["subprog_reloc-el.elf"] = new([("fp_relocation", "xdp")],
            [("hash_map", BpfMapType.hash, BpfMapOrigin.Legacy)],
            ["sub_prog"]),
        ["loader-clang-14-el.elf"] = Loader(),
        ["loader-clang-17-el.elf"] = Loader(),
        ["loader-clang-22-el.elf"] = Loader(),
        ["manyprogs-el.elf"] = new([.. Enumerable.Range(0, 30).Select(i => ($"kprobe_execve{i}", $"kprobe/sys_execvea{i}"))],
            [("kprobe_map", BpfMapType.hash, BpfMapOrigin.Legacy)],
            []),
    };

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
        if (Expected.TryGetValue(file, out var model))
        {
            Assert.Equal(model.Programs, obj.Programs.Select(p => (p.Name, p.SectionName)));
            Assert.Equal(model.Maps, obj.Maps.Select(m => (m.Name, m.Type, m.Origin)));
            Assert.Equal(model.Subprograms, obj.Subprograms.Select(p => p.Name));
            return;
        }

        // the rest libbpf opens, and DifferentialOpenTests compares them with libbpf's model field by field
        Assert.False(LibbpfRefuses.ContainsKey(file), $"{file}: libbpf refuses it and PSBpf opens it, but it has no expected model here");
    }

    /// <summary>libbpf 1.1.2 refuses each file of <see cref="LibbpfRefuses"/>, with that errno and for that reason.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void LibbpfOpensAllButTheRefusedFiles(string file)
    {
        var path = Path.Combine(Fixtures.CorpusDir, file);
        var (_, stdout, stderr) = Sh.Capture(Fixtures.Oracle, "-v", "open", path);
        using var oracle = System.Text.Json.JsonDocument.Parse(stdout);
        bool refused = oracle.RootElement.TryGetProperty("error", out var error);
        if (!LibbpfRefuses.TryGetValue(file, out var expected))
        {
            Assert.False(refused, $"libbpf refuses {file} ({error}): document it in LibbpfRefuses");
            return;
        }

        Assert.True(refused, $"libbpf opens {file}: compare it with libbpf instead");
        Assert.Equal(expected.Errno, oracle.RootElement.GetProperty("errno").GetInt32());
        Assert.Contains("libbpf: " + expected.Log, stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The documented models, against tools that are not PSBpf: every FUNC symbol (readelf) is a program or subprogram;
    /// a program's symbol is global in an executable section named as its SEC(); BTF maps are the variables of the .maps
    /// DATASEC (bpftool btf dump); legacy maps are the symbols of the maps section; data maps are sections of the file.
    /// </summary>
    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void ExpectationsAgreeWithReadelfAndBpftool(string file)
    {
        var path = Path.Combine(Fixtures.CorpusDir, file);
        var model = Expected[file];
        var elf = Readelf.Of(path);
        var funcs = elf.Symbols.Where(s => s.Type == "FUNC" && elf.SectionOf(s) is not null).ToList();
        Assert.Equal(model.Programs.Select(p => p.Name).Concat(model.Subprograms).Order(StringComparer.Ordinal), funcs.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var (name, section) in model.Programs)
        {
            var sym = funcs.Single(f => f.Name == name);
            var sec = elf.SectionOf(sym)!;
            Assert.True(sec.Name == section && sec.Flags.Contains('X') && sym.Bind != "LOCAL", $"{file}: {name} is {sym.Bind} in {sec.Name} ({sec.Flags})");
        }

        var legacy = elf.Symbols.Where(s => s.Type == "OBJECT" && elf.SectionOf(s)?.Name == "maps").Select(s => s.Name);
        Assert.Equal(legacy.Order(StringComparer.Ordinal), model.Maps.Where(m => m.Origin == BpfMapOrigin.Legacy).Select(m => m.Name).Order(StringComparer.Ordinal));
        var btfMaps = model.Maps.Where(m => m.Origin == BpfMapOrigin.Btf).Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        if (elf.Sections.Any(s => s.Name == ".BTF"))
        {
            using var btf = Bpftool.Json("btf", "dump", "file", path);
            var types = btf.RootElement.GetProperty("types").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetInt32());
            var mapVars = types.Values.Where(t => t.GetProperty("kind").GetString() == "DATASEC" && t.GetProperty("name").GetString() == ".maps")
                .SelectMany(d => d.GetProperty("vars").EnumerateArray())
                .Select(v => types[v.GetProperty("type_id").GetInt32()].GetProperty("name").GetString()!);
            Assert.Equal(mapVars.Order(StringComparer.Ordinal), btfMaps);
        }
        else
        {
            Assert.Empty(btfMaps);
        }

        foreach (var m in model.Maps.Where(m => m.Origin == BpfMapOrigin.Data))
        {
            string section = m.Name[m.Name.IndexOf('.', StringComparison.Ordinal)..]; // libbpf's "<object prefix>.bss" names
            Assert.Contains(elf.Sections, s => s.Name == section && s.Flags.Contains('A'));
        }
    }

    public static IEnumerable<object[]> ExpectedFiles => Expected.Keys.Order(StringComparer.Ordinal).Select(f => new object[] { f });

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
