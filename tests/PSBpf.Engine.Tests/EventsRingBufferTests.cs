using System.Collections.Specialized;
using System.Diagnostics;

namespace PSBpf.Engine.Tests;

/// <summary>Ring buffer records from the bootstrap fixture (exec/exit of a child), decoded through the object's BTF.</summary>
[Collection(KernelCollection.Name)]
public class EventsRingBufferTests
{
    [Fact]
    public void RingBufferYieldsExecAndExitOfAChild()
    {
        int handles = KernelObjects.BpfHandles();
        int perfEvents = EventFds.PerfEvents();
        using (var obj = BpfObject.Open(Fixtures.Object("bootstrap")))
        {
            obj.Load();
            using var exec = obj.Programs["handle_exec"].Attach();
            using var exit = obj.Programs["handle_exit"].Attach();
            using var reader = new BpfRingBufferReader(obj.Maps["rb"]);
            var decoder = Fixtures.BootstrapEvents();
            Assert.Equal("event", decoder.Type.Name);

            int pid;
            using (var child = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!)
            {
                child.WaitForExit();
                pid = child.Id;
            }

            OrderedDictionary? execEvent = null, exitEvent = null;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((execEvent is null || exitEvent is null) && DateTime.UtcNow < deadline)
            {
                reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, record =>
                {
                    var e = (OrderedDictionary)decoder.Decode(record)!;
                    if (Convert.ToInt32(e["pid"]) != pid) return;
                    if ((bool)e["exit_event"]!) exitEvent = e;
                    else execEvent = e;
                });
            }

            Assert.NotNull(execEvent);
            Assert.Equal("true", execEvent["comm"]);
            Assert.Equal("/bin/true", execEvent["filename"]);
            Assert.Equal(Environment.ProcessId, Convert.ToInt32(execEvent["ppid"]));
            Assert.NotNull(exitEvent);
            Assert.Equal("true", exitEvent["comm"]);
            Assert.Equal(0L, Convert.ToInt64(exitEvent["exit_code"]));
            Assert.True(Convert.ToUInt64(exitEvent["duration_ns"]) > 0);
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
        Assert.Equal(perfEvents, EventFds.PerfEvents());
    }

    [Fact]
    public void OneReaderWaitsOnSeveralRingBuffers()
    {
        int handles = KernelObjects.BpfHandles();
        using (var a = BpfObject.Open(Fixtures.Object("bootstrap")))
        using (var b = BpfObject.Open(Fixtures.Object("bootstrap")))
        {
            a.Load();
            b.Load();
            using var reader = new BpfRingBufferReader(a.Maps["rb"]);
            var decoder = Fixtures.BootstrapEvents();
            var fromB = new List<int>();
            reader.Add(b.Maps["rb"], r => fromB.Add(Convert.ToInt32(((OrderedDictionary)decoder.Decode(r)!)["pid"])));
            Assert.Equal(new[] { a.Maps["rb"], b.Maps["rb"] }, reader.Maps);
            Assert.Throws<ArgumentException>(() => reader.Add(b.Maps["rb"]));
            Assert.Throws<ArgumentException>(() => reader.Add(b.Maps["exec_start"]));

            using var linkA = a.Programs["handle_exec"].Attach();
            using var linkB = b.Programs["handle_exec"].Attach();
            using var child = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
            child.WaitForExit();

            var fromA = new List<int>();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((!fromA.Contains(child.Id) || !fromB.Contains(child.Id)) && DateTime.UtcNow < deadline)
            {
                reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, r => fromA.Add(Convert.ToInt32(((OrderedDictionary)decoder.Decode(r)!)["pid"])));
            }

            Assert.Contains(child.Id, fromA);
            Assert.Contains(child.Id, fromB);
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    [Fact]
    public void ReadersCloseTheirMappingsEpollsAndEventfds()
    {
        using var ring = BpfObject.Open(Fixtures.Object("bootstrap"));
        ring.Load();
        using var perf = BpfObject.Open(Fixtures.Object("perfbuf"));
        perf.Load();
        int handles = KernelObjects.BpfHandles(), perfEvents = EventFds.PerfEvents(), epolls = EventFds.Epolls();
        for (int i = 0; i < 20; i++)
        {
            using var r = new BpfRingBufferReader(ring.Maps["rb"]);
            using var p = new BpfPerfBufferReader(perf.Maps["events"], pagesPerCpu: 1);
            Assert.True(KernelObjects.BpfHandles() > handles); // the ring buffer mappings count as BPF handles
            Assert.True(EventFds.PerfEvents() > perfEvents);
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
        Assert.Equal(perfEvents, EventFds.PerfEvents());
        Assert.InRange(EventFds.Epolls(), 0, epolls + 2); // 20 leaked readers would leave 80; the runtime may add its own once
    }

    [Fact]
    public void ReadAllCopiesRecordsAndEndsAfterAQuietTimeout()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        obj.Load();
        using var reader = BpfEventReader.Open(obj.Maps["rb"]);
        Assert.IsType<BpfRingBufferReader>(reader);
        using (obj.Programs["handle_exec"].Attach())
        {
            using var child = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
            child.WaitForExit();
            var decoder = Fixtures.BootstrapEvents("struct event");
            var records = reader.ReadAll(TimeSpan.FromMilliseconds(300), CancellationToken.None).ToList();
            Assert.Contains(records, r => Convert.ToInt32(((OrderedDictionary)decoder.Decode(r)!)["pid"]) == child.Id);
            Assert.All(records, r => Assert.True(r.Length >= decoder.Size));
        }
    }

    [Fact]
    public void AWaitEndsAtTheTimeoutOrAtOnceOnCancellation()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        obj.Load(); // nothing attached: the buffer stays empty
        using var reader = new BpfRingBufferReader(obj.Maps["rb"]);
        var sw = Stopwatch.StartNew();
        Assert.Equal(0, reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, _ => { }));
        Assert.InRange(sw.ElapsedMilliseconds, 150, 5000);
        Assert.Equal(0, reader.Pending);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        sw.Restart();
        Assert.Throws<OperationCanceledException>(() => reader.Read(TimeSpan.FromMinutes(5), cts.Token, _ => { }));
        Assert.True(sw.ElapsedMilliseconds < 5000, $"cancellation took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void OnlyLoadedRingBuffersAndKnownTypesAreAccepted()
    {
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        Assert.Throws<BpfNotLoadedException>(() => new BpfRingBufferReader(obj.Maps["rb"]));
        Assert.Throws<ArgumentException>(() => new BpfRingBufferReader(obj.Maps["exec_start"]));
        Assert.Throws<ArgumentException>(() => BpfEventReader.Open(obj.Maps["exec_start"]));
        Assert.Throws<KeyNotFoundException>(() => BpfEventDecoder.ForMap(obj.Maps["rb"], "no_such_struct"));
        Assert.Throws<KeyNotFoundException>(() => BpfEventDecoder.ForMap(obj.Maps["rb"], "union event"));
        // the record type is only in the header: a program that uses it through local pointers leaves it out of BTF
        Assert.Throws<KeyNotFoundException>(() => BpfEventDecoder.ForMap(obj.Maps["rb"], "event"));
        Assert.Throws<KeyNotFoundException>(() => Fixtures.BootstrapEvents("union event"));
    }
}
