namespace PSBpf.Engine.Tests;

/// <summary>
/// Attach kinds this machine's kernel lacks (CONFIG_KPROBES off; no BPF trampolines). Each test probes for the feature:
/// where it exists the attach must work; where it does not, the refusal must say why.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class UnsupportedLinkTests
{
    [Fact]
    public void Kprobe_attaches_where_the_kernel_has_kprobes_and_otherwise_says_so()
    {
        using var obj = BpfObject.Open(Fixtures.Object("tracing"));
        foreach (var p in obj.Programs) p.AutoLoad = p.Name == "kprobe_unlinkat";
        obj.Load(); // kprobe programs load without kprobes (uprobes use the same type)
        var program = obj.Programs["kprobe_unlinkat"];
        Assert.True(program.CanAutoAttach);
        if (Directory.Exists("/sys/bus/event_source/devices/kprobe"))
        {
            using var link = Assert.IsType<KprobeLink>(program.Attach());
            Assert.Equal("do_unlinkat", link.Function);
            Assert.Equal(BpfPerfEventType.kprobe, Counters.KernelLink(link).PerfEventType);
            return;
        }

        var e = Assert.Throws<NotSupportedException>(() => program.Attach());
        Assert.Contains("no kprobe PMU", e.Message, StringComparison.Ordinal);
        Assert.Empty(program.GetLinks());
    }

    [Fact]
    public void Fentry_attaches_where_the_kernel_has_trampolines_and_otherwise_its_load_says_so()
    {
        using var obj = BpfObject.Open(Fixtures.Object("tracing"));
        foreach (var p in obj.Programs) p.AutoLoad = p.Name == "fentry_unlinkat";
        var program = obj.Programs["fentry_unlinkat"];
        Assert.True(program.CanAutoAttach);
        try
        {
            obj.Load();
        }
        catch (BpfSyscallException e) when (e.Errno == 1)
        {
            Assert.Contains("trampoline", e.Message, StringComparison.Ordinal);
            Assert.Throws<BpfNotLoadedException>(() => program.Attach()); // never loaded: nothing to attach
            return;
        }

        using var link = Assert.IsType<TracingLink>(program.Attach());
        Assert.Equal(BpfLinkType.tracing, Counters.KernelLink(link).Type);
    }
}
