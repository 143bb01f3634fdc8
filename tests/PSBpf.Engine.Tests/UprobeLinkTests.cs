using System.Diagnostics;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Uprobes on psbpf_uprobe_trigger in tests/fixtures/build/uprobe_target, run as a child that calls the function once
/// per line it reads, so the test decides when the probe fires.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class UprobeLinkTests
{
    private static string Target => Path.Combine(Fixtures.BuildDir, "uprobe_target");

    private static ulong Global(BpfObject obj, string name) => Convert.ToUInt64(obj.Globals[name].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Uprobe_and_uretprobe_see_calls_in_one_process_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var child = new TargetChild())
        using (var obj = BpfObject.Open(Fixtures.Object("uprobe")))
        {
            foreach (var p in obj.Programs) p.AutoLoad = p.Name is "trigger_entry" or "trigger_return";
            obj.Load();
            var entryProgram = obj.Programs["trigger_entry"];
            Assert.False(entryProgram.CanAutoAttach); // SEC("uprobe") names no target
            Assert.Throws<BpfAttachTargetRequiredException>(() => entryProgram.Attach());

            var target = new BpfAttachOptions { BinaryPath = Target, Symbol = "psbpf_uprobe_trigger", ProcessId = child.Pid };
            var entry = Assert.IsType<UprobeLink>(entryProgram.Attach(target));
            var ret = Assert.IsType<UprobeLink>(obj.Programs["trigger_return"].Attach(target));
            Assert.False(entry.IsRetprobe);
            Assert.True(ret.IsRetprobe); // from SEC("uretprobe")
            Assert.Equal(child.Pid, entry.ProcessId);

            var info = Counters.KernelLink(entry);
            Assert.Equal(BpfLinkType.perf_event, info.Type);
            Assert.Equal(BpfPerfEventType.uprobe, info.PerfEventType);
            Assert.Equal(Path.GetFullPath(Target), info.ProbeTarget);
            Assert.Equal(entry.FileOffset, info.ProbeOffset);
            Assert.Equal(BpfPerfEventType.uretprobe, Counters.KernelLink(ret).PerfEventType);

            Assert.Equal("trigger(5) = 11", child.Call(5));
            Assert.Equal(1UL, Global(obj, "entry_calls"));
            Assert.Equal(5UL, Global(obj, "last_arg"));
            Assert.Equal(1UL, Global(obj, "return_calls"));
            Assert.Equal(11UL, Global(obj, "last_ret"));

            entry.Dispose();
            ret.Dispose();
            Assert.Equal("trigger(6) = 13", child.Call(6));
            Assert.Equal(1UL, Global(obj, "entry_calls"));
            Assert.Equal(1UL, Global(obj, "return_calls"));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Auto_attach_resolves_the_binary_and_function_from_the_section()
    {
        using var obj = BpfObject.Open(Fixtures.Object("uprobe"));
        foreach (var p in obj.Programs) p.AutoLoad = p.Name is "trigger_return_path" or "trigger_entry_self";
        obj.Load();

        // SEC("uretprobe/uprobe_target:psbpf_uprobe_trigger"): a bare name is looked up in $PATH, as libbpf does
        var program = obj.Programs["trigger_return_path"];
        Assert.True(program.CanAutoAttach);
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", Fixtures.BuildDir + ":" + path);
        BpfLink link;
        try
        {
            link = program.Attach();
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }

        using (link)
        {
            var uprobe = Assert.IsType<UprobeLink>(link);
            Assert.True(uprobe.IsRetprobe);
            Assert.Null(uprobe.ProcessId);
            Assert.Equal(Path.GetFullPath(Target), uprobe.BinaryPath);
            Assert.Equal(BpfPerfEventType.uretprobe, Counters.KernelLink(link).PerfEventType);
        }

        // SEC("uprobe//proc/self/exe:psbpf_uprobe_trigger") means this process's executable: dotnet has no such function
        var e = Assert.Throws<BpfLoadException>(() => obj.Programs["trigger_entry_self"].Attach());
        Assert.Contains("psbpf_uprobe_trigger", e.Message, StringComparison.Ordinal);
    }
}
