using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>What the open phase records beyond libbpf's public getters: subprograms, relocations, externs, slots, flags.</summary>
public class ObjectModelTests
{
    [Fact]
    public void CallsRecordSubprogramsCallsAndCallbacks()
    {
        using var o = BpfObject.Open(Fixtures.Object("calls"));
        Assert.Equal(new[] { "on_getpid", "on_getppid" }, o.Programs.Names);
        Assert.True(o.Subprograms.Contains("mix"));
        Assert.True(o.Subprograms.Contains("fold"));
        Assert.True(o.Subprograms["bump_slot"].IsGlobalFunction);
        Assert.False(o.Subprograms["mix"].IsGlobalFunction);
        var relocs = o.Programs.SelectMany(p => p.Relocations).Concat(o.Subprograms.SelectMany(p => p.Relocations)).ToList();
        Assert.Contains(relocs, r => r.Kind == BpfRelocationKind.Call);
        Assert.Contains(relocs, r => r.Kind == BpfRelocationKind.SubprogramAddress); // bpf_loop callback
        Assert.Contains(relocs, r => r.Kind == BpfRelocationKind.MapReference && r.MapName == "results");
        foreach (var p in o.Programs.Concat(o.Subprograms))
        {
            foreach (var r in p.Relocations)
            {
                var insn = p.Instructions[r.InstructionIndex];
                Assert.True(r.Kind == BpfRelocationKind.Call ? insn.IsPseudoCall : insn.IsLoadImm64, $"{p.Name} insn {r.InstructionIndex}: {r.Kind} on {insn}");
            }
        }
    }

    [Fact]
    public void DataRelocationsPointIntoTheirSections()
    {
        using var o = BpfObject.Open(Fixtures.Object("sections"));
        var data = o.Programs["touch_globals"].Relocations.Where(r => r.Kind == BpfRelocationKind.Data).ToList();
        Assert.Contains(data, r => r.MapName == "sections.bss");
        Assert.Contains(data, r => r.MapName == ".rodata.custom");
        Assert.Contains(data, r => r.MapName == ".data.custom");
        Assert.All(data, r => Assert.InRange(r.SymbolOffset, 0, o.Maps[r.MapName!].ValueSize - 1));
    }

    [Fact]
    public void MapInMapAndProgArraySlots()
    {
        using var o = BpfObject.Open(Fixtures.Object("mapinmap"));
        Assert.Equal(new string?[] { "inner_a", null, null, "inner_b" }, o.Maps["outer_arr"].InitialSlots);
        Assert.Equal(new string?[] { null, "inner_b", "inner_a" }, o.Maps["outer_hash"].InitialSlots);
        Assert.Equal(new string?[] { "prog_a", null, "prog_b" }, o.Maps["jmp_table"].InitialSlots);
        Assert.Equal(BpfMapType.array, o.Maps["outer_arr"].InnerMap!.Type);
        Assert.Equal("outer_anon.inner", o.Maps["outer_anon"].InnerMap!.Name);
        Assert.False(o.Maps.Contains("outer_anon.inner")); // templates are not maps of their own
        Assert.Empty(o.Maps["outer_anon"].InitialSlots);
    }

    [Fact]
    public void KconfigExterns()
    {
        using var o = BpfObject.Open(Fixtures.Object("kconfig"));
        var e = o.Externs;
        Assert.Equal(BpfKconfigType.Int, e["LINUX_KERNEL_VERSION"].KconfigType);
        Assert.Equal(BpfKconfigType.Bool, e["CONFIG_BPF_SYSCALL"].KconfigType);
        Assert.Equal(BpfKconfigType.Tristate, e["CONFIG_NET_CLS_BPF"].KconfigType);
        Assert.Equal(BpfKconfigType.Char, e["CONFIG_BPF_JIT"].KconfigType);
        Assert.Equal(BpfKconfigType.CharArray, e["CONFIG_DEFAULT_HOSTNAME"].KconfigType);
        Assert.True(e["CONFIG_PSBPF_NOT_A_REAL_OPTION"].IsWeak);
        Assert.False(e["CONFIG_BPF_SYSCALL"].IsWeak);
        Assert.Equal(8, e["CONFIG_NR_CPUS"].Alignment);
        Assert.Equal(0, e.First().DataOffset); // the 8-byte-aligned one comes first
        Assert.All(o.Programs["read_kconfig"].Relocations.Where(r => r.Kind == BpfRelocationKind.ExternLoad), r => Assert.True(e.Contains(r.ExternName!)));
        // the .kconfig DATASEC now describes the map layout, so globals-style decoding works on it
        var map = o.Maps.Single(m => m.Origin == BpfMapOrigin.Kconfig);
        var sec = Assert.IsType<BtfDatasec>(map.ValueType);
        Assert.Equal(map.ValueSize, sec.Size);
    }

    [Fact]
    public void KsymExterns()
    {
        using var o = BpfObject.Open(Fixtures.Object("ksyms"));
        Assert.Equal(BpfExternKind.Ksym, o.Externs["_stext"].Kind);
        Assert.False(o.Externs["_stext"].IsFunction);
        Assert.Equal(0u, o.Externs["_stext"].TypeId); // typeless: const void
        Assert.True(o.Externs["init_task"].IsWeak);
        Assert.True(o.Externs["bpf_task_from_pid"].IsFunction);
        Assert.Contains(o.Programs.Single().Relocations, r => r.Kind == BpfRelocationKind.ExternCall && r.ExternName == "bpf_task_release");
    }

    [Theory]
    [InlineData("xdp", "xdp_count_frags", BpfProgramType.xdp, BpfAttachType.xdp, BpfProgramFlags.XdpHasFrags)]
    [InlineData("xdp", "xdp_count", BpfProgramType.xdp, BpfAttachType.xdp, 0u)]
    [InlineData("uprobe", "trigger_entry_sleepable", BpfProgramType.kprobe, null, BpfProgramFlags.Sleepable)]
    [InlineData("tcx", "tcx_in", BpfProgramType.sched_cls, BpfAttachType.tcx_ingress, 0u)]
    [InlineData("tp_btf", "on_switch", BpfProgramType.tracing, BpfAttachType.trace_raw_tp, 0u)]
    [InlineData("iter_task", "dump_task", BpfProgramType.tracing, BpfAttachType.trace_iter, 0u)]
    [InlineData("cgroup_skb", "cg_egress", BpfProgramType.cgroup_skb, BpfAttachType.cgroup_inet_egress, 0u)]
    [InlineData("tracing", "lsm_file_open", BpfProgramType.lsm, BpfAttachType.lsm_mac, 0u)]
    public void SectionNamesGiveTypesAndFlags(string fixture, string program, BpfProgramType type, BpfAttachType? attach, uint flags)
    {
        using var o = BpfObject.Open(Fixtures.Object(fixture));
        var p = o.Programs[program];
        Assert.Equal(type, p.Type);
        Assert.Equal(attach, p.ExpectedAttachType);
        Assert.Equal(flags, p.Flags);
    }

    [Fact]
    public void AttachTargetsAndAutoload()
    {
        using var o = BpfObject.Open(Fixtures.Object("uprobe"));
        Assert.Equal("/proc/self/exe:psbpf_uprobe_trigger", o.Programs["trigger_entry_self"].AttachTarget);
        Assert.Null(o.Programs["trigger_entry"].AttachTarget);
        using var a = BpfObject.Open(Fixtures.Object("autoload"));
        Assert.False(a.Programs["optional_getpid"].AutoLoad);
        Assert.Equal("tp/syscalls/sys_enter_getpid", a.Programs["optional_getpid"].SectionName);
        Assert.True(a.Programs["count_getpid"].AutoLoad);
    }

    [Fact]
    public void SectionTableFollowsLibbpfMatchingRules()
    {
        Assert.Equal(BpfProgramType.tracepoint, BpfSectionTable.Find("tp")!.ProgramType);
        Assert.Null(BpfSectionTable.Find("tpx/foo"));          // "tp+" needs an exact name or a '/'
        Assert.Null(BpfSectionTable.Find("xdp/foo"));          // "xdp" is exact
        Assert.Equal(BpfAttachType.xdp_devmap, BpfSectionTable.Find("xdp/devmap")!.ExpectedAttachType);
        Assert.Equal(BpfProgramType.kprobe, BpfSectionTable.Find("?kprobe/do_unlinkat")!.ProgramType);
        Assert.Equal(BpfAttachType.sk_reuseport_select_or_migrate, BpfSectionTable.Find("sk_reuseport/migrate")!.ExpectedAttachType);
    }

    [Fact]
    public void RingBufferSizeIsRoundedLikeLibbpf()
    {
        uint page = (uint)Environment.SystemPageSize;
        Assert.Equal(page, PSBpf.Engine.MapReader.AdjustRingBufferSize(1));
        Assert.Equal(4 * page, PSBpf.Engine.MapReader.AdjustRingBufferSize(3 * page));
        Assert.Equal(256u * 1024, PSBpf.Engine.MapReader.AdjustRingBufferSize(256 * 1024));
        Assert.Equal(0u, PSBpf.Engine.MapReader.AdjustRingBufferSize(0));
    }

    [Fact]
    public void InternalMapNames()
    {
        Assert.Equal("minimal.bss", PSBpf.Engine.MapReader.InternalMapName("minimal", ".bss"));
        Assert.Equal("bootstra.rodata", PSBpf.Engine.MapReader.InternalMapName("bootstrap", ".rodata"));
        Assert.Equal("my_obje.kconfig", PSBpf.Engine.MapReader.InternalMapName("my_object_name", ".kconfig"));
        Assert.Equal(".rodata.abracad", PSBpf.Engine.MapReader.InternalMapName("x", ".rodata.abracadabra"));
        Assert.Equal("loader_c.bss", PSBpf.Engine.MapReader.InternalMapName("loader-clang-14", ".bss"));
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => BpfObject.Open("/nonexistent/psbpf.bpf.o"));
        Assert.Contains("/nonexistent/psbpf.bpf.o", e.Message);
    }
}
