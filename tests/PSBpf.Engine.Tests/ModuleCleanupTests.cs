namespace PSBpf.Engine.Tests;

/// <summary>
/// The registry behind the module's clean-up on Remove-Module (PSBpf.Module.PSBpfModuleCleanup): it holds what the module
/// loaded, never closes an object by itself, and on release disposes everything still open, leaving no fd or link.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ModuleCleanupTests
{
    [Fact]
    public void ReleaseAll_disposes_every_tracked_object_and_leaves_no_handles_or_links()
    {
        int before = KernelObjects.BpfHandles();
        var registry = new BpfObjectRegistry();
        var a = BpfObject.Open(Fixtures.Object("raw_tp"));
        var b = BpfObject.Open(Fixtures.Object("minimal"));
        var gone = BpfObject.Open(Fixtures.Object("minimal"));
        foreach (var o in new[] { a, b, gone })
        {
            o.Load();
            registry.Add(o);
        }

        registry.Add(a); // once only
        var links = BpfAttachScope.AttachAll(a.Programs.Concat(b.Programs), null, CancellationToken.None);
        uint[] linkIds = [.. links.Select(l => l.Id!.Value)];
        uint[] progIds = [.. a.Programs.Concat(b.Programs).Select(p => p.Id!.Value)];

        // objects disposed elsewhere (Remove-BpfObject, $o.Dispose()) drop out; the others stay open while tracked
        gone.Dispose();
        Assert.Equal([a, b], registry.Objects);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.All(links, l => Assert.True(l.IsAttached));
        Assert.Subset(TeardownKernel.LinkIds(), linkIds.ToHashSet());

        Assert.Empty(registry.ReleaseAll());
        Assert.Empty(registry.Objects);
        Assert.True(a.IsDisposed && b.IsDisposed);
        Assert.All(links, l => Assert.False(l.IsAttached));
        Assert.Equal(before, KernelObjects.BpfHandles());
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.LinkIds().Overlaps(linkIds)));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.ProgramIds().Overlaps(progIds)));
        Assert.Empty(registry.ReleaseAll()); // twice is harmless
    }

    [Fact]
    public void Remove_untracks_without_closing()
    {
        var registry = new BpfObjectRegistry();
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        obj.Load();
        registry.Add(obj);
        Assert.True(registry.Remove(obj));
        Assert.False(registry.Remove(obj));
        registry.ReleaseAll();
        Assert.False(obj.IsDisposed);
        Assert.NotNull(obj.Programs["handle_tp"].Id);
    }
}
