using System.Diagnostics;

namespace PSBpf.Engine.Tests;

/// <summary>
/// BpfTraceLogReader (Receive-BpfTraceLog) against the real trace_pipe, and the line parser against lines as the kernel
/// writes them. trace_pipe is consuming and shared by the whole machine: tests in this process that read it are in the
/// kernel collection (one at a time), and the tests here look for their own marker and tolerate anyone else's lines.
/// </summary>
[Collection(KernelCollection.Name)]
public class TraceLogTests
{
    [Fact]
    public void BpfPrintkFromThisThreadArrivesAsARecord()
    {
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        obj.Globals["my_pid"].Value = Environment.ProcessId;
        obj.Load();
        using var link = obj.Programs["handle_tp"].Attach();
        using var reader = new BpfTraceLogReader();
        string expected = $"write() from PID {Environment.ProcessId}.";
        var (tid, comm) = ThisThread();
        bool irqInfo = File.ReadAllText(Path.Join(Path.GetDirectoryName(reader.Path)!, "options", "irq-info")).Trim() == "1";

        BpfTraceRecord? mine = null;
        var seen = new List<BpfTraceRecord>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (mine is null && DateTime.UtcNow < deadline)
        {
            Trigger.Write(); // on this thread: the record's pid and comm are this thread's
            reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, r =>
            {
                seen.Add(r);
                if (r.Message == expected && r.Pid == tid) mine ??= r;
            });
        }

        Assert.True(mine is not null, $"no \"{expected}\" from thread {tid} within 10 s; saw: {string.Join(" | ", seen.Take(5))}");
        Assert.Equal("bpf_trace_printk", mine!.Function);
        Assert.True(mine.IsBpfPrintk);
        // the kernel prints the comm from its saved_cmdlines cache at read time: "<...>" once the pid has been evicted
        Assert.Contains(mine.Comm, new[] { comm, "<...>" });
        Assert.InRange(mine.Cpu, 0, Environment.ProcessorCount * 64);
        Assert.Equal(irqInfo, mine.Flags is not null);
        Assert.True(mine.Timestamp > 0);
        Assert.NotNull(mine.Time);
        Assert.InRange(mine.Time!.Value, DateTime.Now.AddSeconds(-15), DateTime.Now.AddSeconds(2)); // "local" trace clock ≈ CLOCK_MONOTONIC
    }

    [Fact]
    public void CancellationEndsAWaitAtOnceAndDisposeClosesThePipe()
    {
        var reader = new BpfTraceLogReader();
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            var sw = Stopwatch.StartNew();
            // other processes may be printing: keep reading until the cancellation ends a wait
            Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                while (sw.Elapsed < TimeSpan.FromSeconds(20)) reader.Read(TimeSpan.FromSeconds(20), cts.Token, _ => { });
            });
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.Elapsed}");
        }

        Assert.Equal(1, OpenTracePipes());
        reader.Dispose();
        Assert.Equal(0, OpenTracePipes());
    }

    /// <summary>
    /// A tracing instance of its own has a buffer no one else writes to (bpf_printk and other processes write to the
    /// top-level one), so the outcome is exact: a timeout with nothing written returns 0 after the timeout, and a line
    /// written to the instance's trace_marker comes back as the one record.
    /// </summary>
    [Fact]
    public void TimeoutWithoutOutputReturnsZeroAndOutputReturnsItsRecords()
    {
        var instance = Path.Join(Path.GetDirectoryName(BpfTraceLogReader.DefaultPaths.First(File.Exists))!, "instances", $"psbpf-test-{Environment.ProcessId}");
        Directory.CreateDirectory(instance);
        try
        {
            var records = new List<BpfTraceRecord>();
            using (var reader = new BpfTraceLogReader(Path.Join(instance, "trace_pipe")))
            {
                var sw = Stopwatch.StartNew();
                int n = reader.Read(TimeSpan.FromMilliseconds(100), CancellationToken.None, records.Add);
                Assert.Equal(0, n);
                Assert.Empty(records);
                Assert.InRange(sw.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(3)); // it waited, then gave up

                string marker = $"psbpf timeout test {Guid.NewGuid():N}";
                File.WriteAllText(Path.Join(instance, "trace_marker"), marker);
                n = reader.Read(TimeSpan.FromSeconds(5), CancellationToken.None, records.Add);
                Assert.Equal(1, n);
                var r = Assert.Single(records);
                Assert.Equal(("tracing_mark_write", marker, ThisThread().Tid), (r.Function, r.Message, r.Pid));
                Assert.False(r.IsBpfPrintk);
            }
        }
        finally
        {
            Directory.Delete(instance); // tracefs removes an instance with rmdir, once its pipe is closed
        }
    }

    [Fact]
    public void MissingTracePipeIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new BpfTraceLogReader("/nonexistent/tracing/trace_pipe"));
        Assert.Contains("/nonexistent/tracing/trace_pipe", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Lines as Linux 6.x writes them (irq-info on: 5 flag columns; older kernels 4), and with irq-info or record-tgid changed.</summary>
    [Theory]
    [InlineData("           <...>-12345   [001] d..31 12345.678901: bpf_trace_printk: write() from PID 12345.", "<...>", 12345, 1, "d..31", 12345.678901, "bpf_trace_printk", "write() from PID 12345.")]
    [InlineData(" .NET TP Worker-4711    [000] ...11  9876.543210: bpf_trace_printk: a: b: c", ".NET TP Worker", 4711, 0, "...11", 9876.54321, "bpf_trace_printk", "a: b: c")]
    [InlineData("            bash-1234    [000] 12345.678901: bpf_trace_printk: irq-info off", "bash", 1234, 0, null, 12345.678901, "bpf_trace_printk", "irq-info off")]
    [InlineData("    kworker/u8:2-99      [003] d.... 1.000001: sched_switch: prev_comm=a prev_pid=1", "kworker/u8:2", 99, 3, "d....", 1.000001, "sched_switch", "prev_comm=a prev_pid=1")]
    [InlineData("      my-proc-12-777     [002] .... 5.500000: bpf_trace_printk: x", "my-proc-12", 777, 2, "....", 5.5, "bpf_trace_printk", "x")]
    [InlineData("              sh-10      [000] .... 2.000000: bpf_trace_printk: look-5 [000] 1.0: f: y", "sh", 10, 0, "....", 2.0, "bpf_trace_printk", "look-5 [000] 1.0: f: y")]
    [InlineData("  python3 -m x-31337    [015] dNh2. 77.123456: bpf_trace_printk: ", "python3 -m x", 31337, 15, "dNh2.", 77.123456, "bpf_trace_printk", "")]
    [InlineData("            bash-1234    [000] ..... 123456789: bpf_trace_printk: counter clock", "bash", 1234, 0, ".....", 123456789.0, "bpf_trace_printk", "counter clock")]
    public void ParsesKernelLines(string line, string comm, int pid, int cpu, string? flags, double ts, string function, string message)
    {
        var r = BpfTraceLineParser.Parse(line);
        Assert.NotNull(r);
        Assert.Equal((comm, pid, cpu, flags, function, message), (r!.Comm, r.Pid, r.Cpu, r.Flags, r.Function, r.Message));
        Assert.Equal(ts, r.Timestamp, 6);
        Assert.Null(r.Time);
        Assert.Null(r.Tgid);
    }

    [Fact]
    public void ParsesTgidColumnAndRejectsNonEvents()
    {
        var r = BpfTraceLineParser.Parse("            bash-1235    (   1234) [000] ..... 12.500000: bpf_trace_printk: m\n", s => DateTime.UnixEpoch.AddSeconds(s));
        Assert.Equal((1235, 1234, "m"), (r!.Pid, r.Tgid, r.Message));
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(12.5), r.Time);
        Assert.Null(BpfTraceLineParser.Parse("            bash-1235    (-------) [000] ..... 12.500000: bpf_trace_printk: m")!.Tgid);
        Assert.Null(BpfTraceLineParser.Parse("CPU:1 [LOST 20 EVENTS]"));
        Assert.Null(BpfTraceLineParser.Parse(""));
        Assert.Null(BpfTraceLineParser.Parse("# tracer: nop"));
    }

    [Fact]
    public void TraceClockNames()
    {
        Assert.Null(new TraceClock("counter").ToDateTime(5));
        Assert.Null(new TraceClock("x86-tsc").ToDateTime(5));
        var boot = new TraceClock("boot").ToDateTime(Environment.TickCount64 / 1000.0);
        Assert.NotNull(boot);
        Assert.InRange(boot!.Value, DateTime.Now.AddMinutes(-1), DateTime.Now.AddMinutes(1));
    }

    [Fact]
    public void FilterKeepsProcessesByThreadOrThreadGroupAndMatchesMessages()
    {
        var printk = new BpfTraceRecord { Pid = 11, Function = "bpf_trace_printk", Message = "Hello from 42" };
        var other = printk with { Function = "sched_switch" };
        int lookups = 0;
        int? ProcessOf(int tid) { lookups++; return tid == 11 ? 10 : null; }

        Assert.True(new BpfTraceFilter().IsMatch(other));
        Assert.False(new BpfTraceFilter(bpfPrintkOnly: true).IsMatch(other));
        Assert.True(new BpfTraceFilter(match: "hello FROM \\d+").IsMatch(printk)); // case-insensitive, like -match
        Assert.False(new BpfTraceFilter(match: "^from").IsMatch(printk));

        var byProcess = new BpfTraceFilter([10], processOf: ProcessOf);
        Assert.True(byProcess.IsMatch(printk));               // thread 11 belongs to process 10
        Assert.True(byProcess.IsMatch(printk with { Message = "again" }));
        Assert.Equal(1, lookups);                             // the thread's process is looked up once
        Assert.True(new BpfTraceFilter([11], processOf: ProcessOf).IsMatch(printk)); // the thread id itself
        Assert.False(byProcess.IsMatch(printk with { Pid = 12 }));
        Assert.True(byProcess.IsMatch(printk with { Pid = 99, Tgid = 10 }));          // the Tgid column wins when present
        Assert.ThrowsAny<ArgumentException>(() => new BpfTraceFilter(match: "("));
        Assert.True(new BpfTraceFilter([Environment.ProcessId]).IsMatch(printk with { Pid = ThisThread().Tid })); // the real /proc lookup
    }

    [Fact]
    public void ThreadGroupOfAThreadIsItsProcess()
    {
        Assert.Equal(Environment.ProcessId, ThreadGroup.Of(ThisThread().Tid));
        Assert.Equal(Environment.ProcessId, ThreadGroup.Of(Environment.ProcessId));
        Assert.Null(ThreadGroup.Of(int.MaxValue));
    }

    private static (int Tid, string Comm) ThisThread()
    {
        // /proc/thread-self -> "<pid>/task/<tid>"
        var target = new DirectoryInfo("/proc/thread-self").LinkTarget!;
        int tid = int.Parse(Path.GetFileName(target), System.Globalization.CultureInfo.InvariantCulture);
        return (tid, File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n'));
    }

    private static int OpenTracePipes() =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try { return (new FileInfo(fd).LinkTarget ?? string.Empty).EndsWith("/trace_pipe", StringComparison.Ordinal); }
            catch (IOException) { return false; }
        });
}
