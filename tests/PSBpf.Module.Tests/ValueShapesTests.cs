using System.Collections;
using System.Collections.Specialized;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Engine.Btf;

namespace PSBpf.Module.Tests;

/// <summary>
/// The recursion of PSValueConverter without PowerShell: a fake unwrapper stands in for PSObject (<see cref="Wrapped"/>)
/// and PSCustomObject (<see cref="Custom"/>).
/// </summary>
public sealed class ValueShapesTests
{
    private sealed record Wrapped(object? Inner);

    private sealed class Custom(params (string Name, object? Value)[] properties)
    {
        public IReadOnlyList<(string Name, object? Value)> Properties { get; } = properties;
    }

    private sealed class FakeHost : IValueUnwrapper
    {
        public static readonly FakeHost Instance = new();

        public bool TryUnwrap(object value, out object? unwrapped, out IReadOnlyList<KeyValuePair<string, object?>>? properties)
        {
            unwrapped = null;
            properties = null;
            switch (value)
            {
                case Wrapped w:
                    unwrapped = w.Inner;
                    return true;
                case Custom c:
                    properties = c.Properties.Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)).ToList();
                    return true;
                default:
                    return false;
            }
        }
    }

    private static object? Plain(object? value) => ValueShapes.ToPlain(value, FakeHost.Instance);

    [Fact]
    public void Scalars_pass_through_and_wrappers_are_removed()
    {
        Assert.Null(Plain(null));
        Assert.Equal(42, Plain(42));
        Assert.Equal("bash", Plain(new Wrapped("bash")));
        Assert.Equal(7UL, Plain(new Wrapped(new Wrapped(7UL))));
        var bytes = new byte[] { 1, 2, 3 };
        Assert.Same(bytes, Plain(new Wrapped(bytes)));
        Assert.Equal(DayOfWeek.Monday, Plain(DayOfWeek.Monday));
    }

    [Fact]
    public void Custom_objects_become_ordered_dictionaries_in_property_order()
    {
        var result = Assert.IsType<OrderedDictionary>(Plain(new Custom(("pid", new Wrapped(1)), ("comm", "bash"), ("inner", new Custom(("x", 2))))));
        Assert.Equal(["pid", "comm", "inner"], result.Keys.Cast<string>());
        Assert.Equal(1, result["pid"]);
        Assert.Equal(2, Assert.IsType<OrderedDictionary>(result["inner"])["x"]);
    }

    [Fact]
    public void Hashtables_and_arrays_are_converted_element_by_element()
    {
        var table = new Hashtable { ["limits"] = new object[] { new Wrapped(1), new Wrapped(2) }, ["name"] = new Wrapped("x") };
        var result = Assert.IsType<OrderedDictionary>(Plain(new Wrapped(table)));
        Assert.Equal(new object[] { 1, 2 }, Assert.IsType<object[]>(result["limits"]));
        Assert.Equal("x", result["name"]);
        Assert.Equal(new object?[] { 1, "a", null }, Plain(new List<object?> { new Wrapped(1), "a", null }));
    }

    [Fact]
    public void Dictionary_keys_are_unwrapped_too()
    {
        var table = new Hashtable { [new Wrapped("pid")] = 5 };
        var result = Assert.IsType<OrderedDictionary>(Plain(table));
        Assert.Equal(5, result["pid"]);
    }

    [Fact]
    public void A_value_that_contains_itself_is_rejected()
    {
        var list = new ArrayList();
        list.Add(list);
        var e = Assert.Throws<BpfValueException>(() => Plain(list));
        Assert.Contains("deeper", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoded_structs_become_records_and_arrays_keep_their_shape()
    {
        var decoded = new OrderedDictionary { ["pid"] = 1, ["inner"] = new OrderedDictionary { ["x"] = 2 }, ["list"] = new object?[] { new OrderedDictionary { ["y"] = 3 }, 4 } };
        var mapped = ValueShapes.MapRecords(decoded, entries => entries.ToDictionary(e => e.Key, e => e.Value));
        var record = Assert.IsType<Dictionary<string, object?>>(mapped);
        Assert.Equal(1, record["pid"]);
        Assert.Equal(2, Assert.IsType<Dictionary<string, object?>>(record["inner"])["x"]);
        var list = Assert.IsType<object?[]>(record["list"]);
        Assert.Equal(3, Assert.IsType<Dictionary<string, object?>>(list[0])["y"]);
        Assert.Equal(4, list[1]);
        Assert.Equal("text", ValueShapes.MapRecords("text", _ => throw new InvalidOperationException()));
    }

    [Fact]
    public void Converted_values_encode_through_the_engine()
    {
        // What $o.Globals.my_pid = $PID does below PowerShell: unwrap, then BpfGlobal.Value's BTF encoding.
        using var obj = BpfObject.Open(TestPaths.Fixture("minimal.bpf.o"));
        var global = obj.Globals["my_pid"];
        global.Value = Plain(new Wrapped(4242));
        Assert.Equal(4242, global.Value);
        Assert.Equal(BitConverter.GetBytes(4242), global.GetBytes());
    }

    [Fact]
    public void Converted_values_encode_through_the_engine_for_rodata_globals()
    {
        using var obj = BpfObject.Open(TestPaths.Fixture("bootstrap.bpf.o"));
        var global = obj.Globals["min_duration_ns"];
        global.Value = Plain(new Wrapped(50_000_000L));
        Assert.Equal(50_000_000UL, Convert.ToUInt64(global.Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
