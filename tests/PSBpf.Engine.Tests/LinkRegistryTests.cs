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
    public void Object_dispose_releases_more_perf_event_links_than_release_threads()
    {
        // perf-event links are released on up to 16 threads at once; 24 tracepoints make the workers take several each
        string[] calls = ["read", "write", "openat", "close", "getpid", "getuid", "getgid", "geteuid", "getegid", "getppid",
            "getpgrp", "getcwd", "dup", "dup2", "pipe2", "lseek", "fchdir", "newfstatat", "mmap", "munmap", "brk", "madvise",
            "nanosleep", "newuname"];
        int before = KernelObjects.BpfHandles();
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        obj.Load();
        var program = obj.Programs["handle_tp"];
        var links = calls.Select(c => program.Attach(new BpfAttachOptions { Tracepoint = $"syscalls/sys_enter_{c}" })).ToList();
        uint[] ids = [.. links.Select(l => l.Id!.Value)];
        Assert.All(ids, id => Assert.NotNull(BpfInspection.GetLink(id, false, false)));
        Assert.All(links, l => Assert.Equal("tracepoint", l.Kind));

        obj.Dispose();
        Assert.All(links, l => Assert.False(l.IsAttached));
        Assert.Empty(program.GetLinks());
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
