using System.Collections.Specialized;

namespace PSBpf.Engine.Tests;

/// <summary>Perf buffer records from the perfbuf fixture (one per getppid(2) of this process), lost records and wrap-around.</summary>
[Collection(KernelCollection.Name)]
public class EventsPerfBufferTests
{
    private static BpfObject LoadForThisProcess()
    {
        var obj = BpfObject.Open(Fixtures.Object("perfbuf"));
        obj.Globals["target_pid"].Value = Environment.ProcessId;
        obj.Load();
        return obj;
    }

    private static ulong Emitted(BpfObject obj) => Convert.ToUInt64(obj.Globals["seq"].Value);

    [Fact]
    public void PerfBufferDeliversARecordPerGetppid()
    {
        int handles = KernelObjects.BpfHandles();
        int perfEvents = EventFds.PerfEvents();
        using (var obj = LoadForThisProcess())
        {
            using var reader = new BpfPerfBufferReader(obj.Maps["events"]);
            Assert.NotEmpty(reader.Cpus);
            using var link = obj.Programs["handle_getppid"].Attach();
            var decoder = BpfEventDecoder.FromHeader(Btf.BtfCHeader.Load(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "perfbuf.h")), "perf_event_rec");
            for (int i = 0; i < 10; i++) Trigger.Getppid();

            var seen = new List<OrderedDictionary>();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((ulong)seen.Count < Emitted(obj) && DateTime.UtcNow < deadline)
            {
                reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, r => seen.Add((OrderedDictionary)decoder.Decode(r)!));
            }

            Assert.True(seen.Count >= 10, $"{seen.Count} records");
            Assert.Equal(Emitted(obj), (ulong)seen.Count);
            Assert.All(seen, e =>
            {
                Assert.Equal(Environment.ProcessId, Convert.ToInt32(e["pid"]));
                Assert.Equal("abc", e["tag"]);
                Assert.Contains(Convert.ToInt32(e["cpu"]), reader.Cpus);
            });
            Assert.Equal(Enumerable.Range(0, seen.Count).Select(i => (ulong)i), seen.Select(e => Convert.ToUInt64(e["seq"])).Order());
            Assert.Equal(0, reader.LostCount);
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
        Assert.Equal(perfEvents, EventFds.PerfEvents());
    }

    [Fact]
    public void AFullRingCountsLostRecordsAndLaterRecordsWrapAround()
    {
        using var obj = LoadForThisProcess();
        // One data page per CPU: 102 records of 40 bytes fit, the rest of a burst is lost; the next records cross the end.
        using var reader = new BpfPerfBufferReader(obj.Maps["events"], pagesPerCpu: 1);
        var lostNotices = new List<BpfLostRecordsEventArgs>();
        reader.Lost += (_, e) => lostNotices.Add(e);
        var decoder = BpfEventDecoder.FromHeader(Btf.BtfCHeader.Load(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "perfbuf.h")), "perf_event_rec");
        var seqs = new List<ulong>();
        void Drain()
        {
            while (reader.Read(TimeSpan.Zero, CancellationToken.None, r =>
            {
                var e = (OrderedDictionary)decoder.Decode(r)!;
                Assert.Equal(Environment.ProcessId, Convert.ToInt32(e["pid"]));
                Assert.Equal("abc", e["tag"]);
                seqs.Add(Convert.ToUInt64(e["seq"]));
            }) > 0)
            {
            }
        }

        using (Trigger.PinToCurrentCpu())
        using (obj.Programs["handle_getppid"].Attach())
        {
            for (int i = 0; i < 300; i++) Trigger.Getppid();
            Drain();
            Assert.InRange(seqs.Count, 1, 150);

            // The kernel reports the drops with the next record it can write.
            for (int i = 0; i < 150; i++) Trigger.Getppid();
            Drain();

            // That burst overflowed too; one more record into the now empty ring brings the last lost notice.
            Trigger.Getppid();
            Drain();
        }

        Drain();
        Assert.True(reader.LostCount > 0, "no lost records");
        Assert.Equal(reader.LostCount, lostNotices.Sum(e => (long)e.Count));
        Assert.Equal(Emitted(obj), (ulong)seqs.Count + (ulong)reader.LostCount);
        Assert.True(reader.WrappedRecords > 0, "no record wrapped around the end of the ring");
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
    }

    [Fact]
    public void OnlyLoadedPerfEventArraysAreAccepted()
    {
        using var obj = BpfObject.Open(Fixtures.Object("perfbuf"));
        Assert.Throws<BpfNotLoadedException>(() => new BpfPerfBufferReader(obj.Maps["events"]));
        Assert.Throws<ArgumentException>(() => new BpfPerfBufferReader(obj.Maps["events"], pagesPerCpu: 3));
        obj.Load();
        Assert.IsType<BpfPerfBufferReader>(BpfEventReader.Open(obj.Maps["events"]).Also(r => r.Dispose()));
    }
}

internal static class ReaderTestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
