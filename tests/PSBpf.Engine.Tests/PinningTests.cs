namespace PSBpf.Engine.Tests;

/// <summary>LIBBPF_PIN_BY_NAME maps: pinned under the pin root, reused when compatible, refused when not, unpinned on request.</summary>
[Collection(KernelCollection.Name)]
public sealed class PinningTests : IDisposable
{
    private readonly string _root = Path.Combine("/sys/fs/bpf", "psbpf-test-" + Guid.NewGuid().ToString("N")[..12]);

    public PinningTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_root)) File.Delete(f);
        Directory.Delete(_root);
    }

    private BpfLoadOptions Options => new() { PinRoot = _root };

    [Fact]
    public void PinsAreCreatedReusedAndRemoved()
    {
        var pin = Path.Combine(_root, "psbpf_shared");
        using var first = BpfObject.Open(Fixtures.Object("pinned"));
        first.Load(Options);
        Assert.Equal(pin, first.Maps["psbpf_shared"].PinPath);
        Assert.True(File.Exists(pin));
        Assert.False(first.Maps["psbpf_shared"].ReusedPin);

        using var second = BpfObject.Open(Fixtures.Object("pinned"));
        second.Load(Options);
        Assert.True(second.Maps["psbpf_shared"].ReusedPin);
        Assert.Equal(first.Maps["psbpf_shared"].Id, second.Maps["psbpf_shared"].Id); // the very same kernel map

        // as libbpf's bpf_object__unpin_maps: every map with a pin path is unpinned, the reused one too
        Assert.Equal([pin], second.Unpin());
        Assert.False(File.Exists(pin));
        Assert.Empty(first.Unpin()); // already gone: nothing to remove, no error
    }

    [Fact]
    public void IncompatiblePinIsRefusedClearly()
    {
        using var first = BpfObject.Open(Fixtures.Object("pinned"));
        first.Load(Options);
        using var other = BpfObject.Open(Fixtures.Object("pinned_mismatch"));
        var e = Assert.Throws<BpfLoadException>(() => other.Load(Options));
        Assert.Contains("not compatible", e.Message);
        Assert.Contains("max_entries 64 vs 128", e.Message);
        Assert.False(other.IsLoaded);
        first.Unpin();
    }

    [Fact]
    public void FailedLoadRemovesThePinsItMade()
    {
        using var obj = BpfObject.Open(Fixtures.Object("pinned"));
        obj.Programs["count_packets"].Type = BpfProgramType.unspec; // fails after the map is created and pinned
        Assert.Throws<BpfLoadException>(() => obj.Load(Options));
        Assert.False(File.Exists(Path.Combine(_root, "psbpf_shared")));
    }

    [Fact]
    public void PinRootMustBeOnBpffs()
    {
        using var obj = BpfObject.Open(Fixtures.Object("pinned"));
        var e = Assert.Throws<BpfLoadException>(() => obj.Load(new BpfLoadOptions { PinRoot = Path.GetTempPath() }));
        Assert.Contains("not on a bpffs mount", e.Message);
    }

    [Fact]
    public void LoadsRacingForOnePinAllShareTheMapThatWon()
    {
        // Loads at the same moment all find no pin, all create the map, and all but one then meet EEXIST when pinning:
        // those take the pinned map instead (libbpf fails them). Rounds of 8 threads released together by a barrier.
        var pin = Path.Combine(_root, "psbpf_shared");
        for (int round = 0; round < 10; round++)
        {
            var objects = Enumerable.Range(0, 8).Select(_ => BpfObject.Open(Fixtures.Object("pinned"))).ToArray();
            try
            {
                using var barrier = new Barrier(objects.Length);
                var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
                var threads = objects.Select(o => new Thread(() =>
                {
                    barrier.SignalAndWait();
                    try { o.Load(Options); }
                    catch (Exception e) { errors.Add(e); }
                })).ToArray();
                foreach (var t in threads) t.Start();
                foreach (var t in threads) t.Join();

                Assert.Empty(errors);
                Assert.Single(objects.Select(o => o.Maps["psbpf_shared"].Id).Distinct());
                Assert.Single(objects, o => !o.Maps["psbpf_shared"].ReusedPin); // one created the map; the others use it
                Assert.True(File.Exists(pin));
            }
            finally
            {
                objects[0].Unpin();
                foreach (var o in objects) o.Dispose();
            }
        }
    }
}
