using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>raw_tp and tp_btf programs auto-attached from SEC(): they run while linked and stop when the link goes.</summary>
[Collection(KernelCollection.Name)]
public sealed class RawTracepointLinkTests
{
    private static readonly uint WriteNr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1u : 64u;

    [Fact]
    public void Raw_tp_counts_this_process_write_calls_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("raw_tp")))
        {
            obj.Globals["target_tgid"].Value = (uint)Environment.ProcessId;
            obj.Load();
            var program = obj.Programs["count_enter"];
            Assert.True(program.CanAutoAttach);
            var counts = obj.Maps["syscall_count"];

            var link = Assert.IsType<RawTracepointLink>(program.Attach());
            Assert.Equal("sys_enter", link.Name);
            Assert.Equal("raw_tracepoint", link.Kind);
            Assert.Same(link, Assert.Single(program.GetLinks()));
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.raw_tracepoint, info.Type);
            Assert.Equal(program.Id, info.ProgramId);

            ulong seen = Counters.WaitAbove(() => Counters.Sum(counts, WriteNr), 0, Trigger.Write);
            Assert.True(seen > 0);

            link.Dispose();
            Assert.False(link.IsAttached);
            Assert.Empty(program.GetLinks());
            ulong stopped = Counters.Sum(counts, WriteNr);
            for (int i = 0; i < 5; i++) Trigger.Write();
            Assert.Equal(stopped, Counters.Sum(counts, WriteNr));

            // the legacy long form SEC("raw_tracepoint/sys_exit") attaches the same way
            using var exit = obj.Programs["count_exit"].Attach();
            Assert.Equal("raw_tracepoint sys_exit", exit.Target);
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Tp_btf_runs_on_sched_switch_until_detached()
    {
        using var obj = BpfObject.Open(Fixtures.Object("tp_btf"));
        obj.Load();
        var program = obj.Programs["on_switch"];
        Assert.True(program.CanAutoAttach);
        var map = obj.Maps["switch_in"];
        ulong Total() => map.Entries().Aggregate(0UL, (s, e) => s + BitConverter.ToUInt64(e.Value));

        var link = Assert.IsType<TracingLink>(program.Attach());
        var info = Counters.KernelLink(link);
        // BPF_RAW_TRACEPOINT_OPEN makes a raw tracepoint link for tp_btf too (bpftool shows "raw_tracepoint")
        Assert.Equal(BpfLinkType.raw_tracepoint, info.Type);
        Assert.Equal(program.Id, info.ProgramId);

        Assert.True(Counters.WaitAbove(Total, 0, () => Thread.Sleep(1)) > 0);

        link.Dispose();
        Thread.Sleep(50); // a switch that was already running the program may still finish its update
        ulong stopped = Total();
        for (int i = 0; i < 20; i++) Thread.Sleep(1); // each sleep switches this thread out and back in
        Assert.Equal(stopped, Total());
    }
}
