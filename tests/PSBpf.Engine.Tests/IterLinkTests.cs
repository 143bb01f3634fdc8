using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>The task iterator: linked with BPF_LINK_CREATE (trace_iter), read through BPF_ITER_CREATE.</summary>
[Collection(KernelCollection.Name)]
public sealed class IterLinkTests
{
    [Fact]
    public void Task_iterator_prints_this_process_and_stops_after_detach()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("iter_task")))
        {
            obj.Globals["filter_tgid"].Value = Environment.ProcessId;
            obj.Load();
            var program = obj.Programs["dump_task"];
            Assert.True(program.CanAutoAttach);
            var link = Assert.IsType<IterLink>(program.Attach());
            Assert.Equal("task", link.IterTarget);
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.iter, info.Type);

            string text = link.Read();
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches(@"^\s+tgid\s+pid\s+comm", lines[0]);
            Assert.StartsWith("# end, ", lines[^1], StringComparison.Ordinal);
            string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            var mine = lines.Skip(1).SkipLast(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
            Assert.NotEmpty(mine);
            Assert.All(mine, f => Assert.Equal(pid, f[0])); // filter_tgid: only this process's threads
            Assert.Contains(mine, f => f[1] == pid);         // including the main thread
            Assert.NotEqual(string.Empty, link.Read());      // every read is a fresh walk

            link.Dispose();
            Assert.Throws<ObjectDisposedException>(() => link.Read());
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
