using System.Buffers.Binary;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// perf_event programs on a software cpu-clock event, one event and one BPF perf link per CPU (libbpf:
/// perf_event_open by the caller, then bpf_program__attach_perf_event for each fd), and the PERF_EVENT_IOC_SET_BPF way.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class PerfEventLinkSampleTests
{
    private static readonly int[] OnlineCpus = [.. Loader.KernelInfo.OnlineCpus().Order()];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Perf_event_program_samples_every_cpu_until_detached(bool legacy)
    {
        int before = KernelObjects.BpfHandles(), perfBefore = EventFds.PerfEvents();
        using (var obj = BpfObject.Open(Fixtures.Object("perf_event_count")))
        {
            obj.Load();
            var samples = obj.Maps["samples"];
            // 1 ms of cpu-clock per sample: a busy CPU samples 1000 times a second
            var link = Assert.IsType<PerfSampleLink>(obj.Programs["count_sample"].Attach(new BpfAttachOptions
            {
                PerfEvent = new BpfPerfEventSpec { Type = BpfPerfEventSpec.SoftwareType, Config = 0, SamplePeriod = 1_000_000 }, Legacy = legacy,
            }));
            Assert.Equal(OnlineCpus, link.Cpus);
            Assert.Equal(OnlineCpus.Length, EventFds.PerfEvents() - perfBefore);
            if (legacy)
            {
                Assert.Null(link.Id);
                Assert.Empty(link.LinkIds);
            }
            else
            {
                Assert.Equal(OnlineCpus.Length, link.LinkIds.Distinct().Count());
                Assert.Equal(link.LinkIds[0], link.Id);
                foreach (uint id in link.LinkIds)
                {
                    var info = Assert.Single(BpfInspection.GetLinks(includePids: false, includePinnedPaths: false), l => l.Id == id);
                    Assert.Equal(BpfLinkType.perf_event, info.Type);
                    Assert.Equal(obj.Programs["count_sample"].Id, info.ProgramId);
                    using var json = Bpftool.Json("link", "show", "id", id.ToString(CultureInfo.InvariantCulture));
                    Assert.Equal("perf_event", json.RootElement.GetProperty("type").GetString());
                    Assert.Equal(info.ProgramId, json.RootElement.GetProperty("prog_id").GetUInt32());
                    // the kernel reports the event's type and config. Newer kernels move cpu-clock to a PMU of its
                    // own and rewrite attr.type to that PMU's dynamic type (past PERF_TYPE_MAX, 6); older ones keep 1
                    Assert.Equal(BpfPerfEventType.@event, info.PerfEventType);
                    var m = System.Text.RegularExpressions.Regex.Match(info.Target, "^event type ([0-9]+) config 0$");
                    Assert.True(m.Success, info.Target);
                    uint type = uint.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                    Assert.True(type == 1 || type >= 6, info.Target);
                }
            }

            // every CPU samples while the test keeps each one busy in turn
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (PerCpu(samples).Any(n => n == 0) && DateTime.UtcNow < deadline) Spin(50);
            Assert.All(OnlineCpus, cpu => Assert.True(PerCpu(samples)[cpu] > 0, $"CPU {cpu} was not sampled"));

            link.Dispose();
            Assert.Equal(perfBefore, EventFds.PerfEvents());
            ulong stopped = PerCpu(samples).Aggregate(0UL, (a, b) => a + b);
            Spin(200);
            Assert.Equal(stopped, PerCpu(samples).Aggregate(0UL, (a, b) => a + b));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
        Assert.Equal(perfBefore, EventFds.PerfEvents());
    }

    [Fact]
    public void Perf_event_program_on_one_cpu_and_a_bad_event_leaves_nothing_open()
    {
        using var obj = BpfObject.Open(Fixtures.Object("perf_event_count"));
        obj.Load();
        var program = obj.Programs["count_sample"];
        int before = KernelObjects.BpfHandles(), perfBefore = EventFds.PerfEvents();
        using (var one = Assert.IsType<PerfSampleLink>(program.Attach(new BpfAttachOptions { Cpus = [OnlineCpus[^1]] })))
        {
            Assert.Equal([OnlineCpus[^1]], one.Cpus);
            Assert.Single(one.LinkIds);
            Assert.Equal(99UL, one.Event.SampleFrequency);
        }

        // software event config 1000 does not exist: perf_event_open refuses it on the first CPU
        var e = Assert.Throws<BpfSyscallException>(() => program.Attach(new BpfAttachOptions { PerfEvent = new BpfPerfEventSpec { Config = 1000 } }));
        Assert.Contains("count_sample", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, KernelObjects.BpfHandles());

        // a CPU that does not exist, after one that does: the first CPU's event and link are released again
        var bad = Assert.Throws<BpfSyscallException>(() => program.Attach(new BpfAttachOptions { Cpus = [OnlineCpus[0], 4095] }));
        Assert.Contains("CPU 4095", bad.Message, StringComparison.Ordinal);
        Assert.Empty(program.GetLinks());
        Assert.Throws<ArgumentOutOfRangeException>(() => program.Attach(new BpfAttachOptions { Cpus = [-1] }));
        Assert.Equal(before, KernelObjects.BpfHandles());
        Assert.Equal(perfBefore, EventFds.PerfEvents());
    }

    private static ulong[] PerCpu(BpfMap map)
    {
        var value = map.Lookup(Counters.U32(0))!;
        var result = new ulong[value.Length / 8];
        for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(i * 8));
        return result;
    }

    /// <summary>Busy threads, one per CPU, for <paramref name="ms"/> milliseconds.</summary>
    private static void Spin(int ms)
    {
        var until = DateTime.UtcNow.AddMilliseconds(ms);
        Parallel.For(0, OnlineCpus.Length, _ =>
        {
            while (DateTime.UtcNow < until) Thread.SpinWait(1000);
        });
    }
}
