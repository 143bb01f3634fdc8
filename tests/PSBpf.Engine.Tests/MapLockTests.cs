using System.Collections;
using System.Collections.Specialized;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// BPF_F_LOCK: values holding a struct bpf_spin_lock are read and written under it by the typed access; decoded values
/// equal bpftool's formatted dump; a program incrementing under the lock and user-space locked writes never tear.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class MapLockTests
{
    private static OrderedDictionary Pair(object? value) => Assert.IsType<OrderedDictionary>(value);

    [Fact]
    public void SpinLockIsFoundThroughTheValueBtf()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_lock"));
        Assert.True(BpfMapAccess.HasSpinLock(obj.Maps["locked_hash"]));
        Assert.True(BpfMapAccess.HasSpinLock(obj.Maps["locked_array"]));

        // another project's object: cilium/ebpf's map_spin_lock test map (struct hash_elem { int cnt; struct bpf_spin_lock lock; })
        using var cilium = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "map_spin_lock-el.elf"));
        Assert.True(BpfMapAccess.HasSpinLock(cilium.Maps["spin_lock_map"]));

        using var plain = BpfObject.Open(Fixtures.Object("maps"));
        Assert.All(plain.Maps, m => Assert.False(BpfMapAccess.HasSpinLock(m)));
    }

    [Fact]
    public void LockedUpdatesAndLookupsDecodeLikeBpftool()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_lock"));
        obj.Load();
        var map = obj.Maps["locked_hash"];
        map.UpdateValue(7, new Hashtable { ["tag"] = 3, ["a"] = 100, ["b"] = 200 });
        map.UpdateValue(8, new Hashtable { ["tag"] = 4, ["a"] = ulong.MaxValue, ["b"] = 1 });
        map.UpdateValue(7, new Hashtable { ["a"] = 101 }); // read-modify-write under the lock keeps tag and b

        var v = Pair(map.LookupValue(7));
        Assert.Equal((3u, 101UL, 200UL), ((uint)v["tag"]!, (ulong)v["a"]!, (ulong)v["b"]!));
        MapValueTests.AssertLikeBpftool(map);
        Assert.Equal(2, map.DecodedEntries().Count());
        using (var byId = BpfKernelMap.Open(map.Id!.Value)) // the kernel's copy of the BTF shows the lock too
        {
            Assert.True(BpfMapAccess.HasSpinLock(byId.Map));
            Assert.Equal(101UL, Pair(byId.Map.LookupValue(7u))["a"]);
        }

        // the raw calls take BPF_F_LOCK too, and the kernel refuses it where there is no lock
        var raw = map.Lookup(BitConverter.GetBytes(7u), useLock: true)!;
        Assert.Equal(0u, BitConverter.ToUInt32(raw, 0)); // the lock word is never copied out
        Assert.Equal(101UL, BitConverter.ToUInt64(raw, 8));
        map.Update(BitConverter.GetBytes(9u), raw, BpfUpdateFlags.Lock);
        Assert.Equal(raw, map.Lookup(BitConverter.GetBytes(9u), useLock: true));

        using var plain = BpfObject.Open(Fixtures.Object("calls"));
        plain.Load();
        var results = plain.Maps["results"];
        var e = Assert.Throws<BpfSyscallException>(() => results.Lookup(BitConverter.GetBytes(0u), useLock: true));
        Assert.Equal("EINVAL", e.ErrorName);
        e = Assert.Throws<BpfSyscallException>(() => results.Update(BitConverter.GetBytes(0u), new byte[8], BpfUpdateFlags.Lock));
        Assert.Equal("EINVAL", e.ErrorName);
    }

    [Fact]
    public void BatchUpdatesOfLockedValuesUseTheLock()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_lock"));
        obj.Load();
        var map = obj.Maps["locked_array"];
        var keys = Enumerable.Range(0, 4).Select(i => BitConverter.GetBytes((uint)i)).ToList();
        var values = keys.Select(k =>
        {
            var v = new byte[map.ValueSize];
            BitConverter.GetBytes(BitConverter.ToUInt32(k) + 10UL).CopyTo(v, 8);
            BitConverter.GetBytes(BitConverter.ToUInt32(k) + 20UL).CopyTo(v, 16);
            return v;
        }).ToList();
        Assert.Equal(4, map.UpdateBatch(keys, values)); // BPF_F_LOCK in elem_flags: the kernel accepts it only for spin-locked values
        MapValueTests.AssertLikeBpftool(map);
        Assert.Equal(13UL, Pair(map.LookupValue(3u))["a"]);
    }

    [Fact]
    public async Task ProgramAndUserSpaceWritesUnderTheLockNeverTear()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_lock"));
        obj.Load();
        var map = obj.Maps["locked_block"]; // { lock; pad; u64 slots[32] }: the program sets every slot to slots[0] + 1 under the lock
        var prog = obj.Programs["bump_block"].Fd!;
        var packet = new byte[64]; // an Ethernet frame's worth of zeros: XDP test runs need at least ETH_HLEN
        using var stop = new CancellationTokenSource();
        long runs = 0;
        var runner = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Bpf.ProgTestRun(prog, packet, 2000, "bump_block");
                Interlocked.Add(ref runs, 2000);
            }
        });

        int torn = 0, reads = 0;
        ulong seen = 0;
        var deadline = DateTime.UtcNow.AddSeconds(2);
        try
        {
            for (ulong i = 1; DateTime.UtcNow < deadline; i++)
            {
                // user space writes the whole block in one locked update now and then
                if (i % 64 == 0) map.UpdateValue(0u, new Hashtable { ["slots"] = Enumerable.Repeat((object)(i << 32), 32).ToArray() });
                var slots = Assert.IsType<object?[]>(Pair(map.LookupValue(0u))["slots"]);
                reads++;
                if (slots.Distinct().Count() != 1) torn++;
                seen = Math.Max(seen, (ulong)slots[0]! & 0xFFFFFFFF);
            }
        }
        finally
        {
            stop.Cancel();
            await runner;
        }

        // Without BPF_F_LOCK the same loop sees torn blocks on this machine (checked by hand, not asserted: it is a race)
        Assert.True(Interlocked.Read(ref runs) > 0);
        Assert.True(seen > 0, "the program's increments were never seen");
        Assert.True(reads > 100, $"only {reads} reads");
        Assert.Equal(0, torn);
    }
}
