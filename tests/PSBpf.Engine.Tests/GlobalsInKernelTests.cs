using System.Text;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Globals set before load change what the running program does, and globals read and written through the mmap after
/// load are what the program sees: the programs are attached to tracepoints this test process triggers itself.
/// </summary>
[Collection(KernelCollection.Name)]
public class GlobalsInKernelTests
{
    [Fact]
    public async Task MyPidSetBeforeLoadSelectsThisProcessInTracePipe()
    {
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        obj.Globals["my_pid"].Value = Environment.ProcessId;
        obj.Load();
        using var link = obj.Programs["handle_tp"].Attach();
        string expected = $"write() from PID {Environment.ProcessId}.";

        using var pipe = new FileStream("/sys/kernel/tracing/trace_pipe", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, useAsync: false);
        // a thread of its own: the read blocks until the kernel has trace output, and the thread pool may be busy
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readerThread = new Thread(() =>
        {
            var sb = new StringBuilder();
            var buf = new byte[4096];
            while (!sb.ToString().Contains(expected, StringComparison.Ordinal))
            {
                int n = pipe.Read(buf, 0, buf.Length);
                if (n <= 0) break;
                sb.Append(Encoding.UTF8.GetString(buf, 0, n));
            }

            done.SetResult(sb.ToString());
        }) { IsBackground = true };
        readerThread.Start();
        var reader = done.Task;

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!reader.IsCompleted && DateTime.UtcNow < deadline)
        {
            Trigger.Write();
            Thread.Sleep(50);
        }

        Assert.True(reader.IsCompleted, $"no \"{expected}\" in trace_pipe within 10 s");
        Assert.Contains(expected, await reader);
    }

    [Fact]
    public void ProgramObservesRodataBssAndDataThroughTheMaps()
    {
        using var obj = BpfObject.Open(Fixtures.Object("sections"));
        obj.Globals["ro_mode"].Value = "PSBPF_MODE_OFF"; // the program returns early while OFF
        obj.Load();
        using (obj.Programs["touch_globals"].Attach())
        {
            for (int i = 0; i < 10; i++) Trigger.Nanosleep();
            Assert.Equal(0UL, obj.Globals["bss_events"].Value);
        }

        using var on = BpfObject.Open(Fixtures.Object("sections"));
        on.Load(); // ro_mode stays PSBPF_MODE_FAST
        on.Globals["data_counter"].Value = 1000; // written through the mmap after load
        using (on.Programs["touch_globals"].Attach())
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while ((ulong)on.Globals["bss_events"].Value! == 0 && DateTime.UtcNow < deadline) Trigger.Nanosleep();
        }

        Assert.True((ulong)on.Globals["bss_events"].Value! > 0, "the program never ran");
        var last = (System.Collections.Specialized.OrderedDictionary)on.Globals["bss_last"].Value!;
        Assert.Equal(-1 + 1000, last["x"]); // bss_last.x = data_origin.x + data_counter: it saw the new counter
        Assert.Equal(true, on.Globals["bss_seen"].Value);
    }

    [Fact]
    public void DetachedProgramNoLongerRuns()
    {
        using var obj = BpfObject.Open(Fixtures.Object("sections"));
        obj.Load();
        var link = obj.Programs["touch_globals"].Attach();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((ulong)obj.Globals["bss_events"].Value! == 0 && DateTime.UtcNow < deadline) Trigger.Nanosleep();
        Assert.True((ulong)obj.Globals["bss_events"].Value! > 0, "the program never ran while attached");
        link.Dispose();
        Assert.False(link.IsAttached);
        var after = (ulong)obj.Globals["bss_events"].Value!;
        for (int i = 0; i < 20; i++) Trigger.Nanosleep();
        Assert.Equal(after, (ulong)obj.Globals["bss_events"].Value!);
    }
}
