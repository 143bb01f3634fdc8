using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// uprobe.multi links on glob patterns of uprobe_target's functions (one link, many functions, a process filter),
/// auto-attached from SEC() and explicit; kprobe.multi and ksyscall programs on this kernel's kprobe support.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class UprobeMultiLinkTests
{
    private static ulong Global(BpfObject obj, string name) => Convert.ToUInt64(obj.Globals[name].Value, CultureInfo.InvariantCulture);

    private static BpfObject Load(params string[] programs)
    {
        var obj = BpfObject.Open(Fixtures.Object("uprobe_multi"));
        foreach (var p in obj.Programs) p.AutoLoad = programs.Contains(p.Name);
        obj.Load();
        return obj;
    }

    /// <summary>Auto-attach with the fixtures' build directory on $PATH, where SEC("uprobe.multi/uprobe_target:…") finds the binary.</summary>
    private static BpfLink AttachFromPath(BpfProgram program)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", Fixtures.BuildDir + ":" + path);
        try
        {
            return program.Attach();
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Fact]
    public void Patterns_from_the_section_probe_every_matching_function_through_one_link_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var child = new TargetChild())
        using (var obj = Load("multi_steps", "multi_returns"))
        {
            Assert.True(obj.Programs["multi_steps"].CanAutoAttach);
            var steps = Assert.IsType<UprobeMultiLink>(AttachFromPath(obj.Programs["multi_steps"]));
            var returns = Assert.IsType<UprobeMultiLink>(AttachFromPath(obj.Programs["multi_returns"]));
            Assert.Equal(["psbpf_uprobe_step_a", "psbpf_uprobe_step_b"], steps.Functions.Order(StringComparer.Ordinal));
            Assert.Equal(["psbpf_uprobe_step_a", "psbpf_uprobe_step_b", "psbpf_uprobe_trigger"], returns.Functions.Order(StringComparer.Ordinal));
            Assert.False(steps.IsRetprobe);
            Assert.True(returns.IsRetprobe); // from SEC("uretprobe.multi/…")
            Assert.Equal(Path.GetFullPath(TargetChild.Path), steps.BinaryPath);

            var info = Counters.KernelLink(steps);
            Assert.Equal(BpfLinkType.uprobe_multi, info.Type);
            Assert.Equal(2u, info.Count);
            Assert.Equal(1u, Counters.KernelLink(returns).LinkFlags); // BPF_F_UPROBE_MULTI_RETURN

            Assert.Equal("trigger(3) = 7", child.Call(3));
            Assert.Equal(2UL, Global(obj, "step_hits"));
            Assert.Equal(3UL, Global(obj, "all_returns"));
            child.Call(4);
            Assert.Equal(4UL, Global(obj, "step_hits"));

            steps.Dispose();
            returns.Dispose();
            child.Call(5);
            Assert.Equal(4UL, Global(obj, "step_hits"));
            Assert.Equal(6UL, Global(obj, "all_returns"));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void An_explicit_binary_and_function_with_a_process_filter_count_only_that_process()
    {
        using var watched = new TargetChild();
        using var other = new TargetChild();
        using var obj = Load("multi_explicit");
        var program = obj.Programs["multi_explicit"];
        Assert.False(program.CanAutoAttach); // SEC("uprobe.multi") names no target
        var needs = Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());
        Assert.Contains("a binary and a function pattern", needs.Message, StringComparison.Ordinal);

        using var link = Assert.IsType<UprobeMultiLink>(program.Attach(new BpfAttachOptions
        {
            BinaryPath = TargetChild.Path, Symbol = "psbpf_uprobe_trigger", ProcessId = watched.Pid,
        }));
        Assert.Equal(["psbpf_uprobe_trigger"], link.Functions);
        Assert.Equal((uint)watched.Pid, Counters.KernelLink(link).ProcessId);
        other.Call(1);
        other.Call(2);
        watched.Call(3);
        Assert.Equal(1UL, Global(obj, "explicit_hits"));
    }

    [Fact]
    public void A_pattern_that_matches_nothing_is_named_and_leaves_nothing_behind()
    {
        using var obj = Load("multi_explicit");
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<KeyNotFoundException>(() =>
            UprobeMultiLink.Attach(obj.Programs["multi_explicit"], TargetChild.Path, "no_such_function_*", retprobe: false, pid: null));
        Assert.Contains("no_such_function_*", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, KernelObjects.BpfHandles());
        Assert.Throws<ArgumentException>(() => UprobeMultiLink.Attach(obj.Programs["multi_explicit"], TargetChild.Path, "", false, null));
    }

    [Fact]
    public void The_glob_matches_as_libbpf_s()
    {
        Assert.True(SymbolGlob.Matches("psbpf_*", "psbpf_uprobe_trigger"));
        Assert.True(SymbolGlob.Matches("*_step_?", "psbpf_uprobe_step_a"));
        Assert.False(SymbolGlob.Matches("*_step_?", "psbpf_uprobe_step_ab"));
        Assert.True(SymbolGlob.Matches("a*b*c", "axxbyyc"));
        Assert.False(SymbolGlob.Matches("a*b*c", "axxbyy"));
        Assert.True(SymbolGlob.Matches("*", ""));
        Assert.False(SymbolGlob.Matches("?", ""));
    }

    [FactWhereKernelHas(KernelFeature.Fprobe)]
    public void KprobeMulti_AttachesWhereSupported()
    {
        using var obj = Load("kmulti_unlinkat");
        using var link = Assert.IsType<KprobeMultiLink>(obj.Programs["kmulti_unlinkat"].Attach());
        Assert.Contains(link.Functions, f => f.StartsWith("do_unlinkat", StringComparison.Ordinal));
        Assert.Equal(BpfLinkType.kprobe_multi, Counters.KernelLink(link).Type);
    }

    [FactWhereKernelLacks(KernelFeature.Fprobe)]
    public void KprobeMulti_RefusedWithoutFprobe()
    {
        using var obj = Load("kmulti_unlinkat");
        var program = obj.Programs["kmulti_unlinkat"];
        Assert.True(program.CanAutoAttach);
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<NotSupportedException>(() => program.Attach());
        Assert.Contains("kprobe.multi do_unlinkat*", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("this kernel has no kprobe.multi links (built without CONFIG_FPROBE)", e.Message, StringComparison.Ordinal);
        Assert.Empty(program.GetLinks());
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [FactWhereKernelHas(KernelFeature.Kprobes)]
    public void Ksyscall_AttachesToTheSyscallWrapperWhereSupported()
    {
        using var obj = Load("kretsys_kill");
        using var link = Assert.IsType<KprobeLink>(obj.Programs["kretsys_kill"].Attach());
        Assert.Equal(SyscallWrapperOfKill(), link.Function);
        Assert.True(link.IsRetprobe);
    }

    [FactWhereKernelLacks(KernelFeature.Kprobes)]
    public void Ksyscall_RefusedWithoutKprobes()
    {
        using var obj = Load("kretsys_kill");
        var program = obj.Programs["kretsys_kill"];
        Assert.True(program.CanAutoAttach);
        Assert.Equal(BpfAttachKinds.Ksyscall, BpfAttachKinds.Of(program));
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<NotSupportedException>(() => program.Attach());
        // the refusal names the wrapper libbpf would have probed, so the choice of wrapper is checked here too
        Assert.StartsWith($"program 'kretsys_kill' on kretprobe {SyscallWrapperOfKill()}: this kernel has no kprobe PMU", e.Message, StringComparison.Ordinal);
        Assert.Contains("CONFIG_KPROBES", e.Message, StringComparison.Ordinal);
        Assert.Empty(program.GetLinks());
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    /// <summary>The wrapper libbpf picks on this machine: __x64_sys_kill where /proc/kallsyms has __x64_sys_bpf.</summary>
    private static string SyscallWrapperOfKill() =>
        File.ReadLines("/proc/kallsyms").Any(l => l.EndsWith(" __x64_sys_bpf", StringComparison.Ordinal)) ? "__x64_sys_kill" : "sys_kill";
}
