using System.Net.Sockets;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Tear-down as Remove-BpfObject does it (<see cref="BpfTeardown.TearDown"/>): after loading and attaching objects of
/// several kinds, every program, map and link id they created is gone from <c>bpftool prog/map/link show</c>, no pin is
/// left, and this process holds as many BPF handles as before.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class TeardownTests : IDisposable
{
    private readonly string _dir = TeardownKernel.NewPinDirectory();

    public void Dispose() => TeardownKernel.RemovePinDirectory(_dir);

    private sealed record Created(HashSet<uint> Programs, HashSet<uint> Maps, HashSet<uint> Links)
    {
        public Created() : this([], [], []) { }

        public void Add(BpfObject obj)
        {
            foreach (var p in obj.Programs) if (p.Id is { } id) Programs.Add(id);
            foreach (var m in obj.Maps) if (m.Id is { } id) Maps.Add(id);
            foreach (var l in obj.Programs.SelectMany(p => p.GetLinks())) if (l.Id is { } id) Links.Add(id);
        }
    }

    [Fact]
    public void Tear_down_with_unpin_leaves_the_kernel_as_it_was()
    {
        int before = KernelObjects.BpfHandles();
        var created = new Created();
        using var cgroup = new TestCgroup();
        using var socket = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)0x0300);
        var objects = new List<BpfObject>();
        try
        {
            BpfObject Load(string fixture, BpfLoadOptions? options = null)
            {
                var o = BpfObject.Open(Fixtures.Object(fixture));
                objects.Add(o);
                o.Load(options);
                return o;
            }

            // tracepoint (perf link, pinned), raw tracepoint, tp_btf (tracing), iterator: from their sections
            var minimal = Load("minimal");
            minimal.Programs["handle_tp"].Attach().Pin(Path.Combine(_dir, "handle_tp"));
            var rawTp = Load("raw_tp");
            BpfAttachScope.AttachAll(rawTp.Programs, null, CancellationToken.None);
            var tpBtf = Load("tp_btf");
            tpBtf.Programs["on_switch"].Attach();
            var iter = Load("iter_task");
            iter.Programs.First().Attach();
            // cgroup links (one pinned), a socket filter, and a pin-by-name map
            var cg = Load("cgroup_skb");
            foreach (var p in cg.Programs) p.Attach(new BpfAttachOptions { CgroupPath = cgroup.Path });
            cg.Programs.First().GetLinks()[0].Pin(Path.Combine(_dir, "cgroup"));
            var pinned = Load("pinned", new BpfLoadOptions { PinRoot = _dir });
            pinned.Programs.First().Attach(new BpfAttachOptions { Socket = socket });
            foreach (var o in objects) created.Add(o);

            Assert.Equal(3, Directory.GetFiles(_dir).Length); // two link pins, one map pin
            Assert.Equal(7, created.Links.Count); // tracepoint, 2 raw_tp, tp_btf, iter, 2 cgroup; the socket filter is no kernel link
            var listed = TeardownKernel.LinkIds();
            Assert.Subset(listed, created.Links);
            Assert.Subset(TeardownKernel.ProgramIds(), created.Programs);
            Assert.Subset(TeardownKernel.MapIds(), created.Maps);

            foreach (var o in objects)
            {
                var removed = BpfTeardown.TearDown(o, unpin: true);
                Assert.True(o.IsDisposed);
                Assert.All(removed, p => Assert.StartsWith(_dir, p, StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var o in objects) o.Dispose();
        }

        Assert.Empty(Directory.GetFiles(_dir));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.LinkIds().Overlaps(created.Links)), "links left");
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.ProgramIds().Overlaps(created.Programs)), "programs left");
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.MapIds().Overlaps(created.Maps)), "maps left");
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Without_unpin_pinned_maps_and_links_outlive_the_object_until_unpinned()
    {
        int before = KernelObjects.BpfHandles();
        var obj = BpfObject.Open(Fixtures.Object("raw_tp"));
        obj.Load();
        var enter = obj.Programs["count_enter"].Attach();
        var exit = obj.Programs["count_exit"].Attach();
        enter.Pin(Path.Combine(_dir, "enter"));
        uint enterId = enter.Id!.Value, exitId = exit.Id!.Value, progId = obj.Programs["count_enter"].Id!.Value;

        Assert.Empty(BpfTeardown.TearDown(obj, unpin: false));
        Assert.Equal(before, KernelObjects.BpfHandles());
        Assert.Null(TeardownKernel.Link(exitId)); // not pinned: detached with the object
        Assert.NotNull(TeardownKernel.Link(enterId)); // pinned: still attached
        Assert.Contains(progId, TeardownKernel.ProgramIds());

        // the object still knows its pins after disposal
        Assert.Equal([Path.Combine(_dir, "enter")], obj.Unpin());
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.LinkIds().Contains(enterId)));
        Assert.True(TeardownKernel.Eventually(() => !TeardownKernel.ProgramIds().Contains(progId)));
    }

    [Fact]
    public void Unpin_leaves_a_pin_that_now_holds_another_object_alone()
    {
        var options = new BpfLoadOptions { PinRoot = _dir };
        var pin = Path.Combine(_dir, "psbpf_shared");
        using var first = BpfObject.Open(Fixtures.Object("pinned"));
        first.Load(options);
        File.Delete(pin); // someone removes the pin ...
        using var second = BpfObject.Open(Fixtures.Object("pinned"));
        second.Load(options); // ... and another object pins its own map there
        Assert.False(second.Maps["psbpf_shared"].ReusedPin);
        Assert.NotEqual(first.Maps["psbpf_shared"].Id, second.Maps["psbpf_shared"].Id);

        Assert.Empty(first.Unpin()); // not first's map any more
        Assert.True(File.Exists(pin));
        Assert.Equal([pin], second.Unpin());
        Assert.False(File.Exists(pin));
    }
}
