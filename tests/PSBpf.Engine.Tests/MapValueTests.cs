using System.Collections;
using System.Collections.Specialized;
using System.Text.Json.Nodes;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>BTF-decoded map contents equal the "formatted" part of `bpftool -j map dump`; encode(decode(bytes)) == bytes.</summary>
[Collection(KernelCollection.Name)]
public sealed class MapValueTests : IDisposable
{
    private readonly string _root = Path.Combine("/sys/fs/bpf", "psbpf-test-" + Guid.NewGuid().ToString("N")[..12]);

    public MapValueTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_root)) File.Delete(f);
        Directory.Delete(_root);
    }

    [Theory]
    [InlineData("sections.data")]
    [InlineData("sections.rodata")]
    [InlineData(".data.custom")]
    [InlineData("sections.bss")]
    public void GlobalDataMapsDecodeLikeBpftool(string mapName)
    {
        using var obj = BpfObject.Open(Fixtures.Object("sections"));
        obj.Load();
        AssertLikeBpftool(obj.Maps[mapName]);
    }

    [Fact]
    public void StructKeysAndHashValuesDecodeLikeBpftool()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps"));
        obj.Load(new BpfLoadOptions { PinRoot = _root });
        try
        {
            var routes = obj.Maps["routes"]; // lpm_trie: struct ipv4_lpm_key -> u32
            routes.UpdateValue(new Hashtable { ["prefixlen"] = 24, ["addr"] = 0x0000000a }, 7);
            routes.UpdateValue(new OrderedDictionary { ["prefixlen"] = 8, ["addr"] = 0x0000007f }, 1);
            AssertLikeBpftool(routes);
            var recent = obj.Maps["recent"]; // lru_hash u32 -> u64
            recent.UpdateValue(5, ulong.MaxValue);
            recent.UpdateValue(6, 42UL);
            AssertLikeBpftool(recent);
            Assert.Equal(42UL, recent.LookupValue(6));
            Assert.True(recent.DeleteKey(6));
            Assert.Null(recent.LookupValue(6));
        }
        finally
        {
            obj.Unpin();
        }
    }

    [Fact]
    public void PerCpuValuesDecodePerCpu()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps_more"));
        obj.Load();
        var map = obj.Maps["pcpu_hash"];
        map.UpdateValue(3, 9UL); // every CPU gets 9
        var values = Assert.IsType<object?[]>(map.LookupValue(3));
        Assert.All(values, v => Assert.Equal(9UL, v));
        using var dump = Bpftool.Json("map", "dump", "id", map.Id!.Value.ToString());
        var formatted = dump.RootElement[0].GetProperty("formatted").GetProperty("values");
        Assert.Equal(values.Length, formatted.GetArrayLength());
    }

    [Fact]
    public void BadKeysNameTheProblem()
    {
        using var obj = BpfObject.Open(Fixtures.Object("maps"));
        obj.Load(new BpfLoadOptions { PinRoot = _root });
        try
        {
            var e = Assert.Throws<BpfValueException>(() => obj.Maps["routes"].UpdateValue(new Hashtable { ["prefix"] = 1 }, 1));
            Assert.Equal("key.prefix", e.Path);
            e = Assert.Throws<BpfValueException>(() => obj.Maps["recent"].UpdateValue(-1, 1));
            Assert.Contains("out of range", e.Message);
        }
        finally
        {
            obj.Unpin();
        }
    }

    internal static void AssertLikeBpftool(BpfMap map)
    {
        using var dump = Bpftool.Json("map", "dump", "id", map.Id!.Value.ToString());
        var expected = JsonNode.Parse(dump.RootElement.GetRawText())!.AsArray();
        var entries = map.Entries().ToList();
        Assert.Equal(expected.Count, entries.Count);
        foreach (var entry in entries)
        {
            var key = map.KeyTypeId == 0 ? null : ToBpftool(map, map.KeyTypeId, BpfMapValues.DecodeKey(map, entry.Key));
            var value = ToBpftool(map, map.ValueTypeId, BpfMapValues.DecodeValue(map, entry.Value));
            var match = expected.Select(e => e!["formatted"]).FirstOrDefault(f => key is null || JsonNode.DeepEquals(f!["key"], key));
            Assert.True(match is not null, $"{map.Name}: no bpftool entry with key {key?.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(match!["value"], value), $"{map.Name}: value {value?.ToJsonString()} vs bpftool {match["value"]?.ToJsonString()}");
            Assert.Equal(entry.Key, BpfMapValues.EncodeKey(map, BpfMapValues.DecodeKey(map, entry.Key)!)); // round trip
        }
    }

    /// <summary>bpftool prints a DATASEC as a list of one-variable objects; everything else maps one to one.</summary>
    private static JsonNode? ToBpftool(BpfMap map, uint typeId, object? value)
    {
        if (map.Btf![typeId] is BtfDatasec sec && value is OrderedDictionary vars)
        {
            var list = new JsonArray();
            foreach (DictionaryEntry v in vars) list.Add(new JsonObject { [(string)v.Key] = Json(v.Value) });
            return new JsonObject { [sec.Name] = list };
        }

        return Json(value);
    }

    private static JsonNode? Json(object? v) => v switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        OrderedDictionary d => new JsonObject(d.Cast<DictionaryEntry>().Select(e => KeyValuePair.Create((string)e.Key, Json(e.Value)))),
        object?[] a => new JsonArray(a.Select(Json).ToArray()),
        ulong u => JsonValue.Create(u),
        _ => JsonValue.Create(Convert.ToInt64(v)),
    };
}
