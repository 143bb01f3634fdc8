namespace PSBpf.Engine.Tests;

/// <summary>
/// Queue and stack maps in values (what the entry cmdlets call): push through BTF, peek without taking, drain in order,
/// checked against bpftool's peek and through a kernel-map view.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class QueueStackEntryTests : IDisposable
{
    private readonly LoadedFixture _maps = new("maps", "psbpf-maps-qs-");

    private BpfObject Obj => _maps.Object;

    public void Dispose() => _maps.Dispose();

    [Fact]
    public void QueuePushPeekAndDrainInFifoOrder()
    {
        var q = Obj.Maps["fifo"]; // queue of u32, 64 slots
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
        var s = Obj.Maps["lifo"];
        for (uint i = 1; i <= 3; i++) s.PushValue(i);
        Assert.Equal(new uint[] { 3, 2, 1 }, s.Drain().Select(v => BitConverter.ToUInt32(v)).ToArray());

        var q = Obj.Maps["fifo"];
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
        var e = Assert.Throws<InvalidOperationException>(() => Obj.Maps["recent"].PushValue(1));
        Assert.Contains("recent", e.Message);
        Assert.Throws<InvalidOperationException>(() => Obj.Maps["recent"].Drain().ToList());
        Assert.Throws<InvalidOperationException>(() => Obj.Maps["fifo"].UpdateBatch([new byte[0]], [new byte[4]]));
        var bad = Assert.Throws<PSBpf.Engine.Btf.BpfValueException>(() => Obj.Maps["fifo"].PushValue("not a number"));
        Assert.Contains("value", bad.Message);
    }

    [Fact]
    public void AQueueOpenedByIdWorksTheSame()
    {
        var q = Obj.Maps["fifo"];
        q.PushValue(5);
        using var k = BpfKernelMap.Open(q.Id!.Value);
        Assert.True(BpfMapAccess.IsQueueOrStack(k.Map.Type));
        Assert.Equal(5u, k.Map.PeekValue());
        k.Map.PushValue(6);
        Assert.Equal(new uint[] { 5, 6 }, q.Drain().Select(v => BitConverter.ToUInt32(v)).ToArray());
    }
}
