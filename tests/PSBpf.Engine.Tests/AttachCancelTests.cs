namespace PSBpf.Engine.Tests;

/// <summary>
/// Attaching several programs as one step (Add-BpfAttachment with only an object): cancelled (Ctrl+C) or failed part-way,
/// the links already made are detached again and their pins removed, so nothing is left half attached.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class AttachCancelTests : IDisposable
{
    private readonly string _dir = TeardownKernel.NewPinDirectory();

    public void Dispose() => TeardownKernel.RemovePinDirectory(_dir);

    [Fact]
    public void Cancelled_after_the_first_attach_detaches_it_again()
    {
        using var obj = BpfObject.Open(Fixtures.Object("raw_tp"));
        obj.Load();
        int loaded = KernelObjects.BpfHandles();
        using var cts = new CancellationTokenSource();
        var seen = new List<uint>();

        Assert.ThrowsAny<OperationCanceledException>(() => BpfAttachScope.AttachAll(obj.Programs, null, cts.Token, link =>
        {
            seen.Add(link.Id!.Value);
            Assert.Contains(link.Id!.Value, TeardownKernel.LinkIds()); // really attached before the cancel
            cts.Cancel(); // Ctrl+C arrives while the first program is attached
        }));

        Assert.Single(seen);
        Assert.All(obj.Programs, p => Assert.Empty(p.GetLinks()));
        Assert.DoesNotContain(seen[0], TeardownKernel.LinkIds());
        Assert.Equal(loaded, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Without_cancellation_every_program_is_attached()
    {
        using var obj = BpfObject.Open(Fixtures.Object("raw_tp"));
        obj.Load();
        var links = BpfAttachScope.AttachAll(obj.Programs, null, CancellationToken.None);
        Assert.Equal(obj.Programs.Select(p => p.Name), links.Select(l => l.ProgramName));
        var listed = TeardownKernel.LinkIds();
        Assert.All(links, l => Assert.Contains(l.Id!.Value, listed));
    }

    [Fact]
    public void A_failure_part_way_detaches_the_links_already_made()
    {
        using var tp = BpfObject.Open(Fixtures.Object("raw_tp"));
        using var tcx = BpfObject.Open(Fixtures.Object("tcx"));
        tp.Load();
        tcx.Load();
        int loaded = KernelObjects.BpfHandles();
        var seen = new List<uint>();

        // count_enter attaches from its section; tcx_in needs an interface, so the second attach fails
        Assert.Throws<BpfAttachTargetRequiredException>(() => BpfAttachScope.AttachAll([tp.Programs["count_enter"], tcx.Programs["tcx_in"]], null, CancellationToken.None, l => seen.Add(l.Id!.Value)));

        Assert.Single(seen);
        Assert.Empty(tp.Programs["count_enter"].GetLinks());
        Assert.DoesNotContain(seen[0], TeardownKernel.LinkIds());
        Assert.Equal(loaded, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_cancelled_scope_also_removes_the_pins_it_made()
    {
        using var obj = BpfObject.Open(Fixtures.Object("raw_tp"));
        obj.Load();
        int loaded = KernelObjects.BpfHandles();
        using var cts = new CancellationTokenSource();
        uint id;
        using (var scope = new BpfAttachScope(cts.Token))
        {
            var link = scope.Attach(obj.Programs["count_enter"], null, Path.Combine(_dir, "count_enter"));
            id = link.Id!.Value;
            Assert.True(File.Exists(Path.Combine(_dir, "count_enter")));
            cts.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => scope.Attach(obj.Programs["count_exit"]));
            Assert.Single(scope.Links); // the second was never attached
        }

        Assert.Empty(Directory.GetFiles(_dir));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.LinkIds().Contains(id)));
        Assert.Equal(loaded, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_completed_scope_keeps_its_links_and_a_failed_pin_keeps_no_link()
    {
        using var obj = BpfObject.Open(Fixtures.Object("raw_tp"));
        obj.Load();
        var taken = Path.Combine(_dir, "taken");
        IReadOnlyList<BpfLink> kept;
        using (var scope = new BpfAttachScope())
        {
            scope.Attach(obj.Programs["count_enter"], null, taken);
            var e = Assert.Throws<BpfPinException>(() => scope.Attach(obj.Programs["count_exit"], null, taken));
            Assert.Equal(BpfPinFailure.AlreadyExists, e.Failure);
            Assert.Empty(obj.Programs["count_exit"].GetLinks()); // attached, then let go because it could not be pinned
            kept = scope.Complete();
        }

        var link = Assert.Single(kept);
        Assert.True(link.IsAttached);
        Assert.Equal(taken, link.PinPath);
        Assert.True(link.Unpin());
    }
}
