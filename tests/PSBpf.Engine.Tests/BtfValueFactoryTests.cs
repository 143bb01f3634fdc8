using System.Collections.Specialized;

namespace PSBpf.Engine.Tests;

/// <summary>A host's value factory builds structs as the codec decodes them: one pass, the host's own shape.</summary>
[Collection(KernelCollection.Name)]
public sealed class BtfValueFactoryTests
{
    private sealed record Shaped(IReadOnlyList<string> Names, IReadOnlyList<object?> Values);

    private sealed class ShapingFactory : Btf.BtfValueFactory
    {
        public int Records { get; private set; }

        public override object Record(OrderedDictionary members)
        {
            Records++;
            return new Shaped([.. members.Keys.Cast<string>()], [.. members.Values.Cast<object?>()]);
        }
    }

    [Fact]
    public void Struct_values_come_from_the_factory_in_lookups_and_dumps()
    {
        using var obj = BpfObject.Open(Fixtures.Object("app"));
        obj.Maps["counts"].PinPath = null; // the fixture pins 'counts' by name; this test leaves no pin behind
        obj.Load();
        var limits = obj.Maps["limits"];
        var value = new OrderedDictionary { ["max"] = 7UL };
        limits.UpdateValue(3, value);

        var plain = Assert.IsType<OrderedDictionary>(limits.LookupValue(3)); // the default shape is unchanged
        var factory = new ShapingFactory();
        var shaped = Assert.IsType<Shaped>(limits.LookupValue(3, factory));
        Assert.Equal(plain.Keys.Cast<string>(), shaped.Names);
        Assert.Equal(plain.Values.Cast<object?>(), shaped.Values);
        Assert.Equal(1, factory.Records);

        var dumped = limits.DecodedEntries(factory).Single(e => Convert.ToInt64(e.Key) == 3);
        Assert.Equal(shaped, Assert.IsType<Shaped>(dumped.Value), new ShapedComparer());
    }

    private sealed class ShapedComparer : IEqualityComparer<Shaped>
    {
        public bool Equals(Shaped? x, Shaped? y) => x!.Names.SequenceEqual(y!.Names) && x.Values.SequenceEqual(y.Values);
        public int GetHashCode(Shaped obj) => obj.Names.Count;
    }
}
