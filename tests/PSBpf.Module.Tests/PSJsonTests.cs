using System.Collections.Specialized;

namespace PSBpf.Module.Tests;

/// <summary>The ConvertTo-Json rules <see cref="PSJson"/> mirrors (PowerShell 7's JsonObject), on small shapes.</summary>
public sealed class PSJsonTests
{
    private enum Color { Red = 1, Blue = 7 }

    private sealed class Outer
    {
        public int N { get; } = 1;
        public Inner Child { get; } = new();
        public int this[int i] => i; // indexers are not properties ConvertTo-Json reads
    }

    private sealed class Inner
    {
        public Color Color { get; } = Color.Blue;
        public Leaf Deep { get; } = new();
        public int[] Numbers { get; } = [1, 2];
    }

    private sealed class Leaf
    {
        public Leaf2 Deeper { get; } = new();
        public string Text { get; } = "x";
    }

    private sealed class Leaf2
    {
        public override string ToString() => "leaf2-as-text";
    }

    [Fact]
    public void Depth_enums_and_nesting()
    {
        var json = PSJson.Serialize(new Outer());
        Assert.Equal("{\n  \"N\": 1,\n  \"Child\": {\n    \"Color\": 7,\n    \"Deep\": {\n      \"Deeper\": \"leaf2-as-text\",\n      \"Text\": \"x\"\n    },\n" +
            "    \"Numbers\": [\n      1,\n      2\n    ]\n  }\n}", json);
        Assert.Contains("\"Color\": \"Blue\"", PSJson.Serialize(new Outer(), enumsAsStrings: true), StringComparison.Ordinal);
        Assert.Contains("\"Deep\": \"PSBpf.Module.Tests.PSJsonTests+Leaf\"", PSJson.Serialize(new Outer(), depth: 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Values()
    {
        Assert.Equal("\"2026-01-02T03:04:05.5Z\"", PSJson.Serialize(new DateTime(2026, 1, 2, 3, 4, 5, 500, DateTimeKind.Utc)));
        Assert.Equal("100.0", PSJson.Serialize(100.0));
        Assert.Equal("0.25", PSJson.Serialize(0.25));
        Assert.Equal("18446744073709551615", PSJson.Serialize(ulong.MaxValue));
        Assert.Equal("\"a\\\"b\\\\c\\n\"", PSJson.Serialize("a\"b\\c\n"));
        Assert.Equal("[]", PSJson.Serialize(Array.Empty<int>()));
        var d = new OrderedDictionary { ["z"] = 1, ["a"] = "s" };
        Assert.Equal("{\n  \"z\": 1,\n  \"a\": \"s\"\n}", PSJson.Serialize(d)); // members in order, as a PSCustomObject
        Assert.Contains("\"TotalMilliseconds\": 1500.0", PSJson.Serialize(TimeSpan.FromSeconds(1.5)), StringComparison.Ordinal);
    }
}
