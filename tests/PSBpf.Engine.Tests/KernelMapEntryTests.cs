using System.Collections;
using System.Collections.Specialized;
using System.Text;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Maps opened from the kernel (by id, by pin) as <see cref="BpfMap"/> views: their BTF is read back from the kernel, so
/// entries decode exactly like the object's own map and like bpftool's formatted dump; maps without BTF use integers/bytes.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed unsafe class KernelMapEntryTests : IDisposable
{
    private readonly string _root = Path.Combine("/sys/fs/bpf", "psbpf-maps-kmap-" + Guid.NewGuid().ToString("N")[..8]);

    public KernelMapEntryTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_root)) File.Delete(f);
        Directory.Delete(_root);
    }

    /// <summary>A canonical text form of decoded values, to compare two decodings.</summary>
    private static string Canon(object? v) => v switch
    {
        null => "null",
        string s => '"' + s + '"',
        OrderedDictionary d => "{" + string.Join(",", d.Cast<DictionaryEntry>().Select(e => $"{e.Key}:{Canon(e.Value)}")) + "}",
        byte[] b => "0x" + Convert.ToHexString(b),
        object?[] a => "[" + string.Join(",", a.Select(Canon)) + "]",
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    private static List<string> Decoded(BpfMap map) =>
        map.DecodedEntries().Select(e => Canon(e.Key) + "=" + Canon(e.Value)).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void MapsOpenedByIdAndPinDecodeLikeTheObjectAndBpftool()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps"));
        obj.Load(new BpfLoadOptions { PinRoot = _root });
        try
        {
            var routes = obj.Maps["routes"]; // lpm_trie: struct ipv4_lpm_key -> u32
            routes.UpdateValue(new Hashtable { ["prefixlen"] = 24, ["addr"] = 0x0000000a }, 7);
            routes.UpdateValue(new Hashtable { ["prefixlen"] = 8, ["addr"] = 0x0000007f }, 1);
            var counts = obj.Maps["pinned_counts"]; // hash u32 -> u64, pinned by name
            counts.UpdateValue(1, 11UL);
            int before = KernelObjects.BpfHandles();

            using (var byId = BpfKernelMap.Open(routes.Id!.Value))
            {
                var view = byId.Map;
                Assert.Equal((routes.Type, routes.KeySize, routes.ValueSize, routes.MaxEntries, routes.Flags, routes.Id), (view.Type, view.KeySize, view.ValueSize, view.MaxEntries, view.Flags, view.Id));
                Assert.Equal("routes", view.Name);
                Assert.Equal("ipv4_lpm_key", view.KeyType!.Name);
                Assert.True(BpfKernelMap.IsView(view));
                Assert.False(BpfKernelMap.IsView(routes));
                Assert.Equal(Decoded(routes), Decoded(view));
                MapValueTests.AssertLikeBpftool(view);
            }

            using (var byPin = BpfKernelMap.OpenPinned(Path.Combine(_root, "pinned_counts")))
            {
                var view = byPin.Map;
                view.UpdateValue(2, 22UL); // writes through the pin land in the object's map
                Assert.Equal(22UL, counts.LookupValue(2));
                view.UpdateBatch([BitConverter.GetBytes(3u)], [BitConverter.GetBytes(33UL)]);
                Assert.Equal(33UL, counts.LookupValue(3));
                Assert.Equal(Decoded(counts), Decoded(view));
                MapValueTests.AssertLikeBpftool(view);
            }

            Assert.Equal(before, KernelObjects.BpfHandles()); // map fds and the BTF fd read for decoding are all closed
        }
        finally
        {
            obj.Unpin();
        }
    }

    [Fact]
    public void GlobalDataAndPerCpuMapsDecodeThroughTheKernelsCopyOfTheirBtf()
    {
        using var sections = BpfObject.Open(Fixtures.Object("sections"));
        sections.Load();
        using (var data = BpfKernelMap.Open(sections.Maps["sections.data"].Id!.Value))
        {
            Assert.Equal(BpfMapOrigin.Data, data.Map.Origin); // its value type is a DATASEC
            Assert.Equal(Decoded(sections.Maps["sections.data"]), Decoded(data.Map));
            MapValueTests.AssertLikeBpftool(data.Map);
        }

        using var more = BpfObject.Open(Fixtures.Object("maps_more"));
        more.Load();
        var pcpu = more.Maps["pcpu_hash"];
        pcpu.UpdateValue(4, 44UL);
        using var k = BpfKernelMap.Open(pcpu.Id!.Value);
        var values = Assert.IsType<object?[]>(k.Map.LookupValue(4));
        Assert.All(values, v => Assert.Equal(44UL, v));
        Assert.Equal(Decoded(pcpu), Decoded(k.Map));
    }

    [Fact]
    public void MapsWithoutBtfUseIntegersAndBytes()
    {
        using var u64 = CreateWithoutBtf("psbpf_maps_nb8", 4, 8);
        using var odd = CreateWithoutBtf("psbpf_maps_nb3", 4, 3);
        using var a = BpfKernelMap.Open(Bpf.MapGetInfo(u64).id);
        using var b = BpfKernelMap.Open(Bpf.MapGetInfo(odd).id);
        Assert.Equal(0u, a.Info.BtfId);
        Assert.Null(a.Map.ValueType);

        a.Map.UpdateValue(5, 0x1122334455667788UL);
        Assert.Equal(0x1122334455667788UL, a.Map.LookupValue(5u));
        var entry = Assert.Single(a.Map.DecodedEntries());
        Assert.Equal((object)5u, entry.Key); // 4-byte key: uint
        b.Map.UpdateValue(1, new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, b.Map.LookupValue(1));
        var e = Assert.Throws<BpfValueException>(() => b.Map.UpdateValue(2, 7));
        Assert.Contains("pass a byte[]", e.Message);

        using var dump = Bpftool.Json("map", "dump", "id", a.Info.Id.ToString());
        var item = Assert.Single(dump.RootElement.EnumerateArray().ToList());
        Assert.Equal(BitConverter.GetBytes(0x1122334455667788UL), item.GetProperty("value").EnumerateArray().Select(x => Convert.ToByte(x.GetString()!, 16)).ToArray());
    }

    [Fact]
    public void A_kernel_map_stands_alone_with_its_own_BTF()
    {
        // as cilium's NewMapFromID: no object around it; its types come from the BTF the kernel keeps for it
        using var obj = BpfObject.Open(Fixtures.Object("bootstrap"));
        obj.Load();
        using var k = BpfKernelMap.Open(obj.Maps["exec_start"].Id!.Value);
        var map = k.Map;
        Assert.Null(BpfRecordTypes.ObjectOf(map));
        Assert.NotSame(obj.Btf, map.Btf);
        Assert.Equal(obj.Maps["exec_start"].KeyType!.ToString(), map.KeyType!.ToString());
        Assert.Equal(obj.Maps["exec_start"].ValueType!.ToString(), map.ValueType!.ToString());
        map.UpdateValue(4242, 7UL);
        Assert.Equal(7UL, Convert.ToUInt64(obj.Maps["exec_start"].LookupValue(4242)));
    }

    [Fact]
    public void AClosedViewSaysSoInsteadOfUsingAStaleFd()
    {
        using var obj = BpfObject.Open(Fixtures.Object("calls"));
        obj.Load();
        var k = BpfKernelMap.Open(obj.Maps["results"].Id!.Value);
        var view = k.Map;
        Assert.NotNull(view.Lookup(BitConverter.GetBytes(0u)));
        Assert.False(BpfKernelMap.IsClosedView(view));
        k.Dispose();
        Assert.True(BpfKernelMap.IsClosedView(view));
        Assert.Throws<BpfNotLoadedException>(() => view.Lookup(BitConverter.GetBytes(0u)));
        using var again = BpfKernelMap.Open(view.Id!.Value); // what the cmdlets do for entries piped on later
        Assert.NotNull(again.Map.Lookup(BitConverter.GetBytes(0u)));
        Assert.Throws<BpfKernelObjectNotFoundException>(() => BpfKernelMap.Open(uint.MaxValue));
    }

    private static BpfFd CreateWithoutBtf(string name, uint keySize, uint valueSize)
    {
        var attr = new MapCreateAttr { map_type = (uint)BpfMapType.hash, key_size = keySize, value_size = valueSize, max_entries = 4 };
        var bytes = Encoding.ASCII.GetBytes(name);
        for (int i = 0; i < bytes.Length && i < 15; i++) attr.map_name[i] = bytes[i];
        return Bpf.MapCreate(ref attr, name);
    }
}
