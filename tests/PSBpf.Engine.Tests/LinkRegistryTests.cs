namespace PSBpf.Engine.Tests;

/// <summary>Programs remember their live links (what Remove-BpfAttachment -Object detaches); disposing the object detaches them.</summary>
[Collection(KernelCollection.Name)]
public sealed class LinkRegistryTests
{
    [Fact]
    public void Programs_list_their_live_links_and_object_dispose_detaches_them()
    {
        int before = KernelObjects.BpfHandles();
        var obj = BpfObject.Open(Fixtures.Object("raw_tp"));
        obj.Load();
        var enter = obj.Programs["count_enter"];
        var a = enter.Attach();
        var b = enter.Attach(new BpfAttachOptions { Tracepoint = "sys_exit" }); // another raw tracepoint than the section's
        var exit = obj.Programs["count_exit"].Attach();
        Assert.Equal([a, b], enter.GetLinks());
        Assert.Equal("raw_tracepoint sys_exit", b.Target);
        uint[] ids = [a.Id!.Value, b.Id!.Value, exit.Id!.Value];
        Assert.All(ids, id => Assert.NotNull(BpfInspection.GetLink(id, false, false)));

        a.Dispose();
        a.Dispose(); // twice is harmless
        Assert.Null(a.Id);
        Assert.Equal([b], enter.GetLinks());

        obj.Dispose();
        Assert.False(b.IsAttached);
        Assert.False(exit.IsAttached);
        Assert.All(ids, id => Assert.Null(BpfInspection.GetLink(id, false, false)));
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Unloaded_programs_and_targetless_sections_say_what_is_missing()
    {
        using var obj = BpfObject.Open(Fixtures.Object("tcx"));
        var e = Assert.Throws<BpfNotLoadedException>(() => obj.Programs["tcx_in"].Attach());
        Assert.Contains("not loaded", e.Message, StringComparison.Ordinal);

        obj.Load();
        var t = Assert.Throws<BpfAttachTargetRequiredException>(() => obj.Programs["tcx_in"].Attach());
        Assert.Equal("tcx_in", t.ProgramName);
        Assert.Contains("Interface", t.Needed, StringComparison.Ordinal);
    }
}
