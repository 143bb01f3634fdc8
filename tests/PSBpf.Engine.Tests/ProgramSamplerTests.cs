using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// <see cref="BpfProgramSampler"/> and <see cref="BpfRunTimeStats"/>: the hist fixture's XDP program, freshly loaded
/// (no counted runs), run a known number of times by BPF_PROG_TEST_RUN while the sampler holds statistics on; the
/// deltas and the kernel's counters against bpftool's run_cnt and run_time_ns.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ProgramSamplerTests : IDisposable
{
    private readonly BpfObject _obj;
    private readonly BpfProgram _prog;

    public ProgramSamplerTests()
    {
        _obj = BpfObject.Open(Fixtures.Object("hist"));
        _obj.Load();
        _prog = _obj.Programs["hist_len"];
    }

    public void Dispose() => _obj.Dispose();

    private void RunTimes(uint n) => _prog.Run(new BpfRunOptions { Data = new byte[64], Repeat = n });

    private static int StatsFds() =>
        Directory.EnumerateFiles("/proc/self/fd").Count(f => new FileInfo(f).LinkTarget == "anon_inode:bpf-stats");

    private (ulong RunCount, ulong RunTimeNs) Bpftool()
    {
        using var doc = PSBpf.Engine.Tests.Bpftool.Json("prog", "show", "id", _prog.Id!.Value.ToString(CultureInfo.InvariantCulture));
        var root = doc.RootElement;
        return (root.TryGetProperty("run_cnt", out var c) ? c.GetUInt64() : 0, root.TryGetProperty("run_time_ns", out var t) ? t.GetUInt64() : 0);
    }

    [Fact]
    public void Samples_count_exactly_the_runs_made_between_them_as_bpftool_reads_them()
    {
        int before = StatsFds();
        BpfProgramSample first, second;
        using (var sampler = BpfProgramSampler.Start([_prog.Id!.Value]))
        {
            Assert.True(sampler.HoldsStats);
            Assert.Equal(before + 1, StatsFds());
            RunTimes(3000);
            first = Assert.Single(sampler.Sample());
            RunTimes(500);
            RunTimes(500);
            second = Assert.Single(sampler.Sample());
        }

        Assert.Equal(before, StatsFds());
        Assert.Equal((1, 3000UL), (first.Sample, first.RunCount));
        Assert.Equal((2, 1000UL), (second.Sample, second.RunCount));
        Assert.Equal("hist_len", first.Name);
        Assert.Equal(BpfProgramType.xdp, first.Type);
        Assert.True(first.RunTimeNs > 0);
        Assert.Equal((double)first.RunTimeNs / first.RunCount, first.AverageNs);
        Assert.Equal(first.RunCount / first.Interval.TotalSeconds, first.RunsPerSecond, 6);
        Assert.Equal(first.RunTimeNs / (first.Interval.TotalSeconds * 1e9) * 100, first.CpuPercent, 6);

        var (runCount, runTime) = Bpftool();
        Assert.Equal(4000UL, runCount);
        Assert.Equal(second.TotalRunCount, runCount);
        Assert.Equal(second.TotalRunTimeNs, runTime);
        Assert.Equal(first.RunTimeNs + second.RunTimeNs, runTime);
    }

    [Fact]
    public void A_program_with_no_runs_has_no_average_and_a_missing_id_is_gone_from_the_start()
    {
        using var sampler = BpfProgramSampler.Start([_prog.Id!.Value, uint.MaxValue]);
        Assert.Equal([uint.MaxValue], sampler.Gone);
        Assert.Equal([_prog.Id!.Value], sampler.ProgramIds);
        var s = Assert.Single(sampler.Sample());
        Assert.Equal(0UL, s.RunCount);
        Assert.Null(s.AverageNs);
        Assert.Equal(0, s.CpuPercent);
    }

    [Fact]
    public void A_program_unloaded_between_samples_drops_out()
    {
        var other = BpfObject.Open(Fixtures.Object("hist"));
        other.Load();
        uint gone = other.Programs["hist_len"].Id!.Value;
        using var sampler = BpfProgramSampler.Start([gone, _prog.Id!.Value]);
        Assert.Equal(2, sampler.Sample().Count);
        other.Dispose();
        // the kernel frees a program after its last fd closes, from a work queue
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (BpfInspection.GetProgram(gone, false, false) is not null && DateTime.UtcNow < deadline) Thread.Sleep(20);
        var s = Assert.Single(sampler.Sample());
        Assert.Equal(_prog.Id, s.Id);
        Assert.Contains(gone, sampler.Gone);
    }

    [Fact]
    public void Run_time_statistics_hold_while_open_and_release_on_dispose()
    {
        int before = StatsFds();
        var stats = BpfRunTimeStats.Enable();
        Assert.True(stats.IsEnabled);
        Assert.Equal(before + 1, StatsFds());
        stats.Dispose();
        Assert.False(stats.IsEnabled);
        Assert.Equal(before, StatsFds());
    }
}
