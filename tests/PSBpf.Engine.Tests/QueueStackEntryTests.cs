namespace PSBpf.Engine.Tests;

/// <summary>
/// Queue and stack maps in values (what the entry cmdlets call): push through BTF, peek without taking, drain in order,
/// checked against bpftool's peek and through a kernel-map view.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class QueueStackEntryTests : IDisposable
{
    private readonly string _root = Path.Combine("/sys/fs/bpf", "psbpf-maps-qs-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly BpfObject _obj;

    public QueueStackEntryTests()
    {
        Directory.CreateDirectory(_root);
        _obj = BpfObject.Open(Fixtures.Object("maps"));
        _obj.Load(new BpfLoadOptions { PinRoot = _root });
    }

    public void Dispose()
    {
        _obj.Unpin();
        _obj.Dispose();
        foreach (var f in Directory.EnumerateFiles(_root)) File.Delete(f);
        Directory.Delete(_root);
    }

    [Fact]
    public void QueuePushPeekAndDrainInFifoOrder()
    {
        var q = _obj.Maps["fifo"]; // queue of u32, 64 slots
        foreach (var v in new object[] { 10, "20", 30UL }) q.PushValue(v);
        Assert.Equal(10u, q.PeekValue());
        using (var peek = Bpftool.Json("map", "peek", "id", q.Id!.Value.ToString()))
        {
            // bpftool shows the same head (it prints queue values raw), and peeking took nothing
            var head = peek.RootElement.GetProperty("value").EnumerateArray().Select(e => Convert.ToByte(e.GetString()!, 16)).ToArray();
            Assert.Equal(10u, BpfMapValues.DecodeValue(q, head));
        }

        Assert.Equal(10u, q.PeekValue());
        Assert.Equal(new uint[] { 10, 20 }, q.Drain(2).Select(v => BitConverter.ToUInt32(v)).ToArray()); // a bounded drain leaves the rest
        Assert.Equal(30u, q.PopValue());
        Assert.Null(q.PopValue());
        Assert.Null(q.PeekValue());
        Assert.Empty(q.Drain());
    }

    [Fact]
    public void StackDrainsNewestFirstAndAFullQueueCanReplaceItsOldest()
    {
        var s = _obj.Maps["lifo"];
        for (uint i = 1; i <= 3; i++) s.PushValue(i);
        Assert.Equal(new uint[] { 3, 2, 1 }, s.Drain().Select(v => BitConverter.ToUInt32(v)).ToArray());

        var q = _obj.Maps["fifo"];
        for (uint i = 0; i < q.MaxEntries; i++) q.PushValue(i);
        var full = Assert.Throws<BpfSyscallException>(() => q.PushValue(999));
        Assert.Equal("E2BIG", full.ErrorName);
        q.PushValue(999, BpfUpdateFlags.Exist); // BPF_EXIST: drop the oldest (0) to make room
        var all = q.Drain().Select(v => BitConverter.ToUInt32(v)).ToList();
        Assert.Equal((int)q.MaxEntries, all.Count);
        Assert.Equal((1u, 999u), (all[0], all[^1]));
    }

    [Fact]
    public void KeyedOperationsOnQueuesAndPushOnHashesAreClearErrors()
    {
        var e = Assert.Throws<InvalidOperationException>(() => _obj.Maps["recent"].PushValue(1));
        Assert.Contains("recent", e.Message);
        Assert.Throws<InvalidOperationException>(() => _obj.Maps["recent"].Drain().ToList());
        Assert.Throws<InvalidOperationException>(() => _obj.Maps["fifo"].UpdateBatch([new byte[0]], [new byte[4]]));
        var bad = Assert.Throws<PSBpf.Engine.Btf.BpfValueException>(() => _obj.Maps["fifo"].PushValue("not a number"));
        Assert.Contains("value", bad.Message);
    }

    [Fact]
    public void AQueueOpenedByIdWorksTheSame()
    {
        var q = _obj.Maps["fifo"];
        q.PushValue(5);
        using var k = BpfKernelMap.Open(q.Id!.Value);
        Assert.True(BpfMapAccess.IsQueueOrStack(k.Map.Type));
        Assert.Equal(5u, k.Map.PeekValue());
        k.Map.PushValue(6);
        Assert.Equal(new uint[] { 5, 6 }, q.Drain().Select(v => BitConverter.ToUInt32(v)).ToArray());
    }
}
