using System.Diagnostics;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The public per-kind entry points (XdpLink.Attach, UprobeLink.Attach, …) used directly, and the one table of attach
/// kinds that BpfProgram.Attach dispatches on and whose hints the "needs a target" errors carry.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class AttachEntryPointTests
{
    [Fact]
    public void XdpLink_Attach_counts_packets_until_disposed()
    {
        int before = KernelObjects.BpfHandles();
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("xdp")))
        {
            obj.Load();
            var program = obj.Programs["xdp_count"];
            var link = XdpLink.Attach(program, veth.Host, BpfXdpMode.Generic);
            Assert.Equal([link], program.GetLinks()); // registered with its program as through BpfProgram.Attach
            Assert.Equal(BpfLinkType.xdp, Counters.KernelLink(link).Type);
            Assert.True(Counters.WaitAbove(() => Counters.Sum(obj.Maps["pkt_count"], 0), 0, () => veth.SendFromPeer(3)) > 0, "no packet reached the program");
            link.Dispose();
            ulong stopped = Counters.Sum(obj.Maps["pkt_count"], 0);
            veth.SendFromPeer(3);
            Thread.Sleep(200);
            Assert.Equal(stopped, Counters.Sum(obj.Maps["pkt_count"], 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void UprobeLink_Attach_sees_the_calls_of_one_process()
    {
        string target = Path.Combine(Fixtures.BuildDir, "uprobe_target");
        using var obj = BpfObject.Open(Fixtures.Object("uprobe"));
        foreach (var p in obj.Programs) p.AutoLoad = p.Name == "trigger_entry";
        obj.Load();
        using var child = Process.Start(new ProcessStartInfo(target, "-") { RedirectStandardInput = true, RedirectStandardOutput = true })!;
        try
        {
            int pid = int.Parse(child.StandardOutput.ReadLine()!["pid ".Length..], CultureInfo.InvariantCulture);
            using var link = UprobeLink.Attach(obj.Programs["trigger_entry"], target, "psbpf_uprobe_trigger", 0, retprobe: false, pid);
            Assert.Equal(pid, link.ProcessId);
            child.StandardInput.WriteLine("4242");
            child.StandardInput.Flush();
            child.StandardOutput.ReadLine();
            Assert.Equal(4242, Convert.ToInt32(obj.Globals["last_arg"].Value, CultureInfo.InvariantCulture));
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(5000)) child.Kill();
        }
    }

    [Fact]
    public void An_entry_point_refuses_a_program_of_another_kind_and_an_unloaded_one()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("raw_tp")))
        {
            Assert.Throws<BpfNotLoadedException>(() => RawTracepointLink.Attach(obj.Programs["count_enter"], "sys_enter"));
            obj.Load();
            var e = Assert.Throws<ArgumentException>(() => XdpLink.Attach(obj.Programs["count_enter"], "lo", BpfXdpMode.Default));
            Assert.Contains("program 'count_enter'", e.Message, StringComparison.Ordinal);
            Assert.Contains("does not attach as xdp (it is raw_tracepoint)", e.Message, StringComparison.Ordinal);
            Assert.Empty(obj.Programs["count_enter"].GetLinks());
            using var link = RawTracepointLink.Attach(obj.Programs["count_enter"], "sys_enter");
            Assert.Equal("raw_tracepoint", link.Kind);
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Theory]
    [InlineData("xdp", "xdp_count", "xdp")]
    [InlineData("tcx", "tcx_in", "tcx")]
    [InlineData("socket_filter", null, "socket_filter")]
    [InlineData("cgroup_skb", null, "cgroup")]
    [InlineData("sk_lookup", null, "sk_lookup")]
    public void A_missing_target_is_reported_with_the_kinds_own_hint(string fixture, string? program, string kind)
    {
        using var obj = BpfObject.Open(Fixtures.Object(fixture));
        obj.Load();
        var p = program is null ? obj.Programs[0] : obj.Programs[program];
        var row = BpfAttachKinds.Of(p);
        Assert.Equal(kind, row?.Name);
        Assert.False(p.CanAutoAttach);
        var e = Assert.Throws<BpfAttachTargetRequiredException>(() => p.Attach());
        Assert.Equal(row!.TargetHint, e.Needed);
        Assert.All(row.Options, o => Assert.NotNull(typeof(BpfAttachOptions).GetProperty(o))); // the hint names real options
    }

    [Fact]
    public void Every_program_of_the_fixtures_and_corpus_has_at_most_one_kind()
    {
        var programs = Fixtures.AllObjects().Concat(Directory.EnumerateFiles(Fixtures.CorpusDir, "*-el.elf"))
            .SelectMany(f => { try { return BpfObject.Open(f).Programs.ToList(); } catch (BpfFormatException) { return []; } }).ToList();
        Assert.NotEmpty(programs);
        foreach (var p in programs)
        {
            var kinds = BpfAttachKinds.All.Where(k => k.Serves(p)).Select(k => k.Name).ToList();
            Assert.True(kinds.Count <= 1, $"{p.Name} ({p.SectionName}) matches {string.Join(", ", kinds)}");
            if (p.CanAutoAttach) Assert.Single(kinds);
        }
    }
}
