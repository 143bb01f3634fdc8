using System.Net.Sockets;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Pinned links (BPF_OBJ_PIN on the link fd, as libbpf's bpf_link__pin): the link and its program outlive every handle of
/// this process, bpftool lists the pin, and the link is found again by its pin and taken away.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class LinkPinTests : IDisposable
{
    private readonly string _dir = TeardownKernel.NewPinDirectory();

    public void Dispose() => TeardownKernel.RemovePinDirectory(_dir);

    [Fact]
    public void A_pinned_link_keeps_running_after_every_handle_is_closed_and_goes_when_unpinned()
    {
        int before = KernelObjects.BpfHandles();
        var pin = Path.Combine(_dir, "enter");
        uint linkId, progId, mapId;
        using (var obj = BpfObject.Open(Fixtures.Object("raw_tp")))
        {
            obj.Globals["target_tgid"].Value = (uint)Environment.ProcessId;
            obj.Load();
            var link = obj.Programs["count_enter"].Attach();
            link.Pin(pin);
            Assert.Equal(pin, link.PinPath);
            linkId = link.Id!.Value;
            progId = obj.Programs["count_enter"].Id!.Value;
            mapId = obj.Maps["syscall_count"].Id!.Value;
        }

        // nothing of ours is open any more ...
        Assert.Equal(before, KernelObjects.BpfHandles());
        // ... but bpftool still lists the link, pinned where we pinned it, on our program
        var listed = TeardownKernel.Link(linkId);
        Assert.NotNull(listed);
        Assert.Equal(progId, listed.Value.GetProperty("prog_id").GetUInt32());
        Assert.Equal("raw_tracepoint", listed.Value.GetProperty("type").GetString());
        Assert.Contains(pin, listed.Value.GetProperty("pinned").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains(progId, TeardownKernel.ProgramIds());
        // and the program still runs: our write(2) calls keep being counted
        ulong running = TeardownKernel.WritesCounted(mapId);
        Assert.True(Counters.WaitAbove(() => TeardownKernel.WritesCounted(mapId), running, Trigger.Write) > running);

        using (var found = BpfKernelLink.OpenPinned(pin))
        {
            Assert.Equal(linkId, found.Id);
            Assert.Equal(pin, found.PinPath);
            Assert.Equal(BpfLinkType.raw_tracepoint, found.Info.Type);
            Assert.Equal(progId, found.Info.ProgramId);
            Assert.Equal([pin], found.FindPins());
            Assert.Equal([pin], BpfInspection.GetLink(linkId, includePids: false)!.PinnedPaths);

            var removal = found.Remove();
            Assert.Equal([pin], removal.RemovedPins);
            Assert.True(removal.Detached);
            Assert.Empty(removal.Holders);
        }

        // the pin was the last reference: link, program and map are gone from the kernel
        Assert.False(File.Exists(pin));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.LinkIds().Contains(linkId)));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.ProgramIds().Contains(progId)));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.MapIds().Contains(mapId)));
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_link_held_elsewhere_is_unpinned_but_reported_as_still_attached()
    {
        int before = KernelObjects.BpfHandles();
        using var obj = BpfObject.Open(Fixtures.Object("raw_tp"));
        obj.Load();
        var link = obj.Programs["count_enter"].Attach();
        var pin = Path.Combine(_dir, "held");
        link.Pin(pin);

        using (var found = BpfKernelLink.OpenPinned(pin))
        {
            var removal = found.Remove(); // raw_tracepoint links have no BPF_LINK_DETACH, and `link` still holds it
            Assert.Equal([pin], removal.RemovedPins);
            Assert.False(removal.ForcedDetach);
            Assert.False(removal.Detached);
            Assert.Contains(removal.Holders, h => h.Pid == Environment.ProcessId);
        }

        Assert.True(link.IsAttached);
        Assert.NotNull(TeardownKernel.Link(link.Id!.Value));
        Assert.False(link.Unpin()); // the pin is already gone: nothing to remove, no error
        Assert.Null(link.PinPath);
        uint id = link.Id!.Value;
        obj.Dispose();
        Assert.Null(TeardownKernel.Link(id));
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_cgroup_link_is_detached_by_BPF_LINK_DETACH_even_while_held()
    {
        using var cgroup = new TestCgroup();
        using var obj = BpfObject.Open(Fixtures.Object("cgroup_skb"));
        obj.Load();
        var link = obj.Programs.First().Attach(new BpfAttachOptions { CgroupPath = cgroup.Path });
        var pin = Path.Combine(_dir, "cg");
        link.Pin(pin);
        uint id = link.Id!.Value;
        Assert.NotEqual(0UL, BpfInspection.GetLink(id, false, false)!.CgroupId ?? 0UL);

        using (var found = BpfKernelLink.OpenPinned(pin))
        {
            var removal = found.Remove();
            Assert.True(removal.ForcedDetach);
            Assert.True(removal.Detached);
        }

        // our BpfLink still holds the fd, so the link object lives on, but bpftool shows it detached: no cgroup, no pin
        Assert.False(File.Exists(pin));
        var listed = TeardownKernel.Link(id);
        Assert.NotNull(listed);
        Assert.False(listed.Value.TryGetProperty("pinned", out var pins) && pins.GetArrayLength() > 0);
        Assert.Equal(0UL, BpfInspection.GetLink(id, false, false)!.CgroupId ?? 0UL);
        link.Dispose();
        Assert.Null(TeardownKernel.Link(id));
    }

    [Fact]
    public void A_link_is_found_by_id_as_bpftool_lists_it()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("minimal")))
        {
            obj.Load();
            using var link = obj.Programs["handle_tp"].Attach();
            var listed = TeardownKernel.Link(link.Id!.Value)!.Value;
            using (var found = BpfKernelLink.Open(link.Id!.Value)!)
            {
                Assert.Null(found.PinPath);
                Assert.Equal(listed.GetProperty("id").GetUInt32(), found.Id);
                Assert.Equal(listed.GetProperty("prog_id").GetUInt32(), found.Info.ProgramId);
                Assert.Equal(listed.GetProperty("type").GetString(), found.Info.Type.ToString());
                Assert.Empty(found.FindPins());
            }

            Assert.Null(BpfKernelLink.Open(uint.MaxValue));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Bad_pins_are_refused_with_the_path_and_the_reason()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("raw_tp")))
        {
            obj.Load();
            var link = obj.Programs["count_enter"].Attach();

            var e = Assert.Throws<BpfPinException>(() => link.Pin(Path.Combine(Path.GetTempPath(), "psbpf-not-bpffs")));
            Assert.Equal(BpfPinFailure.NotOnBpffs, e.Failure);
            Assert.Contains("not on a bpffs mount", e.Message, StringComparison.Ordinal);

            var missing = Path.Combine(_dir, "no-such-dir", "x");
            e = Assert.Throws<BpfPinException>(() => link.Pin(missing));
            Assert.Equal(BpfPinFailure.DirectoryMissing, e.Failure);
            Assert.Equal(missing, e.PinPath);

            var taken = Path.Combine(_dir, "taken");
            link.Pin(taken);
            e = Assert.Throws<BpfPinException>(() => link.Pin(Path.Combine(_dir, "again")));
            Assert.Equal(BpfPinFailure.AlreadyPinned, e.Failure); // as libbpf: EBUSY
            using var other = obj.Programs["count_exit"].Attach();
            e = Assert.Throws<BpfPinException>(() => other.Pin(taken));
            Assert.Equal(BpfPinFailure.AlreadyExists, e.Failure);
            Assert.Null(other.PinPath);

            e = Assert.Throws<BpfPinException>(() => BpfKernelLink.OpenPinned(Path.Combine(_dir, "nothing")));
            Assert.Equal(BpfPinFailure.NotFound, e.Failure);

            // a map pin is not a link
            using var pinned = BpfObject.Open(Fixtures.Object("pinned"));
            pinned.Load(new BpfLoadOptions { PinRoot = _dir });
            e = Assert.Throws<BpfPinException>(() => BpfKernelLink.OpenPinned(Path.Combine(_dir, "psbpf_shared")));
            Assert.Equal(BpfPinFailure.NotALink, e.Failure);
            Assert.Contains("holds a map", e.Message, StringComparison.Ordinal);
            Assert.Equal([Path.Combine(_dir, "psbpf_shared")], pinned.Unpin());

            link.Dispose();
            e = Assert.Throws<BpfPinException>(() => link.Pin(Path.Combine(_dir, "late")));
            Assert.Equal(BpfPinFailure.NotAttached, e.Failure);
            Assert.True(link.Unpin()); // the pin made before disposal is still ours to remove
            Assert.False(File.Exists(taken));
        }

        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_pin_path_in_use_fails_in_a_scope_before_anything_is_attached()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("raw_tp")))
        {
            obj.Load();
            var taken = Path.Combine(_dir, "taken");
            using (var scope = new BpfAttachScope())
            {
                scope.Attach(obj.Programs["count_enter"], pinPath: taken);
                scope.Complete();
            }

            // the same program again at the same pin: the pin check answers, not the attach (a second attach of one
            // program on one tracepoint fails with EEXIST of its own), and no second link is made
            using (var scope = new BpfAttachScope())
            {
                var e = Assert.Throws<BpfPinException>(() => scope.Attach(obj.Programs["count_enter"], pinPath: taken));
                Assert.Equal(BpfPinFailure.AlreadyExists, e.Failure);
                Assert.Equal(taken, e.PinPath);
            }

            Assert.Single(obj.Programs["count_enter"].GetLinks());
            Assert.Equal([taken], obj.Unpin());
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Attachments_that_are_not_bpf_links_cannot_pin()
    {
        using var obj = BpfObject.Open(Fixtures.Object("socket_filter"));
        using var socket = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)0x0300);
        obj.Load();
        using var link = obj.Programs["socket_count"].Attach(new BpfAttachOptions { Socket = socket });
        var e = Assert.Throws<BpfPinException>(() => link.Pin(Path.Combine(_dir, "filter")));
        Assert.Equal(BpfPinFailure.NotPinnable, e.Failure);
        Assert.Contains("not a BPF link", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
