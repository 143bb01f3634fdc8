using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>Load-phase behaviour beyond tags: verifier errors, rollback without leaks, globals through mmap after load.</summary>
[Collection(KernelCollection.Name)]
public class LoadBehaviourTests
{
    [Fact]
    public void VerifierRejectionCarriesTheFullLog()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bad_verifier"));
        var e = Assert.Throws<BpfVerifierException>(() => obj.Load());
        Assert.Equal("missing_null_check", e.ProgramName);
        Assert.Equal("EACCES", e.ErrorName);
        Assert.Contains("map_value_or_null", e.VerifierLog);
        Assert.Contains("map_value_or_null", e.Message); // the summary names the cause
        Assert.Contains("missing_null_check", e.Message);
        Assert.False(obj.IsLoaded);
        Assert.All(obj.Maps, m => Assert.Null(m.Fd)); // the map created before the failure is closed again
    }

    [Fact]
    public void RepeatedLoadsLeakNothing()
    {
        // warm up caches (kernel BTF, config) so they do not count as leaks
        using (var warm = BpfObject.Open(Fixtures.Object("kconfig"))) warm.Load();
        var progs = KernelObjects.ProgramIds();
        var maps = KernelObjects.MapIds();
        int handles = KernelObjects.BpfHandles();
        for (int i = 0; i < 5; i++)
        {
            using (var mapped = BpfObject.Open(Fixtures.Object("sections")))
            {
                mapped.Load();
                Assert.True(KernelObjects.BpfHandles() > handles); // the counter sees what a load holds
            }

            using (var ok = BpfObject.Open(Fixtures.Object("calls"))) ok.Load();
            using (var bad = BpfObject.Open(Fixtures.Object("bad_verifier"))) Assert.Throws<BpfVerifierException>(() => bad.Load());
            using var unknown = BpfObject.Open(Fixtures.Object("sections"));
            unknown.Programs["touch_globals"].Type = BpfProgramType.unspec;
            Assert.Throws<BpfLoadException>(() => unknown.Load());
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());

        // program and map ids are freed asynchronously by the kernel; give it a moment
        for (int i = 0; i < 50 && (KernelObjects.ProgramIds().Except(progs).Any() || KernelObjects.MapIds().Except(maps).Any()); i++) Thread.Sleep(100);
        Assert.Empty(KernelObjects.ProgramIds().Except(progs));
        Assert.Empty(KernelObjects.MapIds().Except(maps));
    }

    [Fact]
    public unsafe void GlobalsAreTheKernelMapAfterLoad()
    {
        using var obj = BpfObject.Open(Fixtures.Object("sections"));
        obj.Globals["ro_limit"].Value = 77;
        obj.Load();
        Assert.Equal(77u, obj.Globals["ro_limit"].Value);             // .rodata carried the value set before load
        Assert.Equal(42, obj.Globals["data_counter"].Value);
        obj.Globals["data_counter"].Value = 4242;                       // write through the mmap
        var map = obj.Globals["data_counter"].Map;
        var value = new byte[map.ValueSize];
        int key = 0;
        fixed (byte* v = value) Assert.True(Bpf.MapLookupElem(map.Fd!, &key, v, "test"));
        Assert.Equal(4242, BitConverter.ToInt32(value, obj.Globals["data_counter"].Offset)); // the kernel sees it
        var e = Assert.Throws<InvalidOperationException>(() => obj.Globals["ro_limit"].Value = 1);
        Assert.Contains("read-only after load", e.Message);
    }

    [Fact]
    public void KconfigValuesComeFromTheRunningKernel()
    {
        using var obj = BpfObject.Open(Fixtures.Object("kconfig"));
        obj.Load();
        var map = obj.Maps.Single(m => m.Origin == BpfMapOrigin.Kconfig);
        var image = map.GetInitialData()!;
        var version = obj.Externs["LINUX_KERNEL_VERSION"];
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Split('.');
        uint expected = (uint.Parse(release[0]) << 16) | (uint.Parse(release[1]) << 8) | Math.Min(uint.Parse(new string(release[2].TakeWhile(char.IsDigit).ToArray())), 255u);
        Assert.Equal(expected, BitConverter.ToUInt32(image, version.DataOffset));
        Assert.Equal(1, image[obj.Externs["CONFIG_BPF_SYSCALL"].DataOffset]);
        Assert.Equal(0, image[obj.Externs["CONFIG_PSBPF_NOT_A_REAL_OPTION"].DataOffset]);
    }

    [Fact]
    public void ProgramsWithAutoloadOffAreSkipped()
    {
        using var obj = BpfObject.Open(Fixtures.Object("autoload"));
        obj.Load();
        Assert.Null(obj.Programs["optional_getpid"].Id);
        Assert.NotNull(obj.Programs["count_getpid"].Id);
    }

    [Fact]
    public void LoadingTwiceIsAnError()
    {
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        obj.Load();
        Assert.Throws<InvalidOperationException>(() => obj.Load());
    }

    [Fact]
    public void UnresolvedExternFailsTheLoadNamingTheProgram()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "fwd_decl-el.elf"));
        var e = Assert.Throws<BpfLoadException>(() => obj.Load());
        Assert.Contains("call_fwd", e.Message);
        Assert.Contains("'fwd'", e.Message);
    }
}

/// <summary>Initial slots of prog arrays and map-in-maps, written after everything exists (cilium's btf_map_init object).</summary>
[Collection(KernelCollection.Name)]
public class InitialSlotTests
{
    [Fact]
    public unsafe void ProgArrayAndOuterMapSlotsPointAtTheRightObjects()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "btf_map_init-el.elf"));
        foreach (var p in obj.Programs) p.Type = BpfProgramType.socket_filter; // cilium's section names are unknown to libbpf
        obj.Load();
        uint key = 1, value = 0;
        // from user space, lookups in prog arrays and map-in-maps return the ids of what the slot holds
        Assert.True(PSBpf.Engine.Native.Bpf.MapLookupElem(obj.Maps["prog_array_init"].Fd!, &key, &value, "test"));
        Assert.Equal(obj.Programs["tail_1"].Id, value);
        Assert.True(PSBpf.Engine.Native.Bpf.MapLookupElem(obj.Maps["outer_map_init"].Fd!, &key, &value, "test"));
        Assert.Equal(obj.Maps["inner_map"].Id, value);
        key = 0;
        Assert.False(PSBpf.Engine.Native.Bpf.MapLookupElem(obj.Maps["prog_array_init"].Fd!, &key, &value, "test")); // sparse: slot 0 empty
    }

    [Fact]
    public void VerifierStatisticsForSuccessfulLoads()
    {
        using var obj = BpfObject.Open(Fixtures.Object("calls"));
        obj.Load(new BpfLoadOptions { LogLevel = 4 });
        var p = obj.Programs["on_getpid"];
        Assert.Contains("processed", p.VerifierLog);
        Assert.True(p.VerifiedInstructions > 0);
    }
}

/// <summary>What a caller without CAP_BPF/CAP_SYS_ADMIN gets.</summary>
[Collection(KernelCollection.Name)]
public class PermissionTests
{
    [Fact]
    public void WithoutCapabilitiesTheErrorSaysWhatIsNeededAndNothingLeaks()
    {
        int handles = KernelObjects.BpfHandles();
        using var obj = BpfObject.Open(Fixtures.Object("calls"));
        var e = Capabilities.RunUnprivileged(() => obj.Load());
        var s = Assert.IsAssignableFrom<BpfSyscallException>(e);
        Assert.Equal("EPERM", s.ErrorName);
        Assert.True(s.IsPermissionDenied);
        Assert.Contains("needs CAP_BPF", s.Message);
        Assert.Contains("this thread lacks CAP_BPF", s.Message); // names what is missing, not only what is needed
        Assert.False(obj.IsLoaded);
        Assert.Equal(handles, KernelObjects.BpfHandles());
    }
}

/// <summary>Verifier errors on instructions the loader poisoned are explained the way libbpf explains them.</summary>
[Collection(KernelCollection.Name)]
public class PoisonExplanationTests
{
    [Fact]
    public void FailedCoreRelocationIsNamedInTheVerifierError()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "errors-el.elf"));
        foreach (var p in obj.Programs) p.AutoLoad = p.Name == "poisoned_single";
        var e = Assert.Throws<BpfVerifierException>(() => obj.Load());
        Assert.Contains("<invalid CO-RE relocation>", e.VerifierLog);
        Assert.Contains("failed to resolve CO-RE relocation", e.VerifierLog);
        Assert.Contains("non_exist", e.VerifierLog);
        Assert.Contains("failed to resolve CO-RE relocation", e.Message);
    }

    /// <summary>Without trampolines the kernel refuses an lsm program with EPERM although we are root; the error says why.</summary>
    [FactWhereKernelLacks(KernelFeature.Trampolines)]
    public void TracingProgramRefusedWithoutTrampolinesSaysWhy()
    {
        using var obj = BpfObject.Open(Fixtures.Object("tracing"));
        foreach (var p in obj.Programs) p.AutoLoad = p.Name == "lsm_file_open";
        var e = Assert.Throws<BpfSyscallException>(() => obj.Load());
        UnsupportedLinkTests.AssertRefusedForTrampolines(e);
        Assert.Contains("lsm_file_open", e.Message, StringComparison.Ordinal);
        Assert.Null(obj.Programs["lsm_file_open"].Id);
    }

    /// <summary>Where trampolines exist, fentry, fexit and lsm programs load with libbpf's tags.</summary>
    [FactWhereKernelHas(KernelFeature.Trampolines)]
    public void TracingProgramsLoadWhereTrampolinesExist()
    {
        string only = string.Join(',', Fixtures.TracingTrampolinePrograms);
        using var oracle = Oracle.Run("load", Fixtures.Object("tracing"), "--only", only);
        Assert.False(oracle.RootElement.TryGetProperty("error", out var err), $"libbpf failed to load {only}: {err}");
        var tags = oracle.RootElement.GetProperty("programs").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("tag").GetString());
        using var obj = BpfObject.Open(Fixtures.Object("tracing"));
        foreach (var p in obj.Programs) p.AutoLoad = Fixtures.TracingTrampolinePrograms.Contains(p.Name);
        obj.Load();
        Assert.Equal(Fixtures.TracingTrampolinePrograms.Order(StringComparer.Ordinal), tags.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, tag) in tags) Assert.Equal(tag, obj.Programs[name].Tag);
    }
}

/// <summary>Corpus objects libbpf 1.1.2 cannot open but PSBpf loads (newer map kinds and attributes).</summary>
[Collection(KernelCollection.Name)]
public class NewerMapKindTests
{
    [FactWhereKernelHas(KernelFeature.ArenaMaps)]
    public void ArenaMapWithMapExtraIsCreated()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "arena-el.elf"));
        var arena = obj.Maps.Single();
        Assert.Equal(BpfMapType.arena, arena.Type);
        Assert.NotEqual(0UL, arena.MapExtra); // __ulong(map_extra, ...) is an ENUM64 in BTF
        obj.Load();
        using var show = Bpftool.Json("map", "show", "id", arena.Id!.Value.ToString());
        var type = show.RootElement.GetProperty("type");
        // bpftool 7.1 predates arena maps and prints their type number
        Assert.True(type.ValueKind == System.Text.Json.JsonValueKind.Number ? type.GetInt32() == 33 : type.GetString() == "arena", $"bpftool says type {type}");
    }

    [FactWhereKernelLacks(KernelFeature.ArenaMaps)]
    public void ArenaMapRefusedByTheKernelIsNamedAndLeavesNothing()
    {
        using var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "arena-el.elf"));
        Assert.NotEqual(0UL, obj.Maps.Single().MapExtra); // the open still reads map_extra from BTF
        int handles = KernelObjects.BpfHandles();
        var e = Assert.Throws<BpfSyscallException>(() => obj.Load());
        Assert.Contains("BPF_MAP_CREATE for map 'arena'", e.Message);
        Assert.False(obj.IsLoaded);
        Assert.Equal(handles, KernelObjects.BpfHandles());
    }
}
