using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Attach kinds some kernels lack (this machine: CONFIG_KPROBES off, no BPF trampolines). Each kind has two tests, and
/// the probe (<see cref="KernelFeatureProbe"/>) decides which one runs here: where the feature exists the attach must
/// work; where it does not, the refusal must say why, as data and in words.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class UnsupportedLinkTests
{
    [FactWhereKernelHas(KernelFeature.Kprobes)]
    public void Kprobe_AttachesWhereSupported()
    {
        using var obj = LoadOnly("kprobe_unlinkat");
        using var link = Assert.IsType<KprobeLink>(obj.Programs["kprobe_unlinkat"].Attach());
        Assert.Equal("do_unlinkat", link.Function);
        Assert.Equal(BpfPerfEventType.kprobe, Counters.KernelLink(link).PerfEventType);
    }

    [FactWhereKernelLacks(KernelFeature.Kprobes)]
    public void Kprobe_RefusedWithoutKprobes()
    {
        using var obj = LoadOnly("kprobe_unlinkat"); // kprobe programs load without kprobes (uprobes use the same type)
        var program = obj.Programs["kprobe_unlinkat"];
        Assert.True(program.CanAutoAttach);
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<NotSupportedException>(() => program.Attach());
        Assert.StartsWith("program 'kprobe_unlinkat' on kprobe do_unlinkat: this kernel has no kprobe PMU", e.Message, StringComparison.Ordinal);
        Assert.Contains("CONFIG_KPROBES", e.Message, StringComparison.Ordinal);
        Assert.Empty(program.GetLinks());
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [FactWhereKernelHas(KernelFeature.Trampolines)]
    public void Fentry_AttachesWhereSupported()
    {
        using var obj = LoadOnly("fentry_unlinkat");
        using var link = Assert.IsType<TracingLink>(obj.Programs["fentry_unlinkat"].Attach());
        Assert.Equal(BpfLinkType.tracing, Counters.KernelLink(link).Type);
    }

    [FactWhereKernelLacks(KernelFeature.Trampolines)]
    public void Fentry_RefusedWithoutTrampolines()
    {
        int before = KernelObjects.BpfHandles();
        using var obj = BpfObject.Open(Fixtures.Object("tracing"));
        foreach (var p in obj.Programs) p.AutoLoad = p.Name == "fentry_unlinkat";
        var program = obj.Programs["fentry_unlinkat"];
        Assert.True(program.CanAutoAttach);
        var e = Assert.Throws<BpfSyscallException>(() => obj.Load());
        AssertRefusedForTrampolines(e);
        Assert.False(obj.IsLoaded);
        Assert.Throws<BpfNotLoadedException>(() => program.Attach()); // never loaded: nothing to attach
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    /// <summary>
    /// The kernel's refusal of a program that needs a trampoline: BPF_PROG_LOAD with EPERM although we are root, and words
    /// that say so rather than blame the capabilities.
    /// </summary>
    internal static void AssertRefusedForTrampolines(BpfSyscallException e)
    {
        Assert.Equal(BpfCommand.ProgLoad, e.Command);
        Assert.Equal(Errno.EPERM, e.Errno);
        Assert.Equal("EPERM", e.ErrorName);
        Assert.Contains("refused although this thread has CAP_BPF", e.Message, StringComparison.Ordinal);
        Assert.Contains("trampoline", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("needs CAP_BPF", e.Message, StringComparison.Ordinal);
    }

    private static BpfObject LoadOnly(string program)
    {
        var obj = BpfObject.Open(Fixtures.Object("tracing"));
        try
        {
            foreach (var p in obj.Programs) p.AutoLoad = p.Name == program;
            obj.Load();
            return obj;
        }
        catch
        {
            obj.Dispose();
            throw;
        }
    }
}
