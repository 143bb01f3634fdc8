using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Numerics;
using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Engine.Btf;

namespace PSBpf.Module.Tests;

/// <summary>
/// Property test of the value encoder as Set-BpfMapEntry and the globals drive it: random PowerShell values
/// (PSObject-wrapped scalars, PSCustomObjects, hashtables, [ordered], arrays, every CLR number, NaN and infinities,
/// huge integers, strings of every kind, byte arrays, script blocks, self-references), shaped after the target type
/// often enough to reach its inner fields, go through <see cref="PSValueConverter.ToEngineValue"/> and
/// <see cref="BtfValueCodec.Encode"/> for each key and value type of tests/fixtures/shapes.bpf.c. The only exception
/// allowed out is the documented <see cref="BpfValueException"/>, naming a field path under the root it was given;
/// what encodes decodes and encodes again to the same bytes.
/// </summary>
public sealed class ValueEncoderPropertyTests
{
    private static readonly Lazy<BpfObject> Shapes = new(() => BpfObject.Open(TestPaths.Fixture("shapes.bpf.o")));

    public static TheoryData<string, bool> Targets => new()
    {
        { "shapes", false }, { "shapes", true }, { "by_inner", true }, { "per_cpu", false },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Random_PowerShell_values_encode_or_fail_with_a_field_path(string mapName, bool key)
    {
        var map = Shapes.Value.Maps[mapName];
        var btf = Shapes.Value.Btf!;
        uint typeId = key ? map.KeyTypeId : map.ValueTypeId;
        int size = (int)btf.SizeOf(typeId);
        string root = key ? "key" : "value";
        int encoded = 0, refused = 0;

        var property = Prop.ForAll(Arb.From(ValueFor(btf, typeId, 4)), (object? value) =>
        {
            var buffer = new byte[size];
            try
            {
                BtfValueCodec.Encode(btf, typeId, PSValueConverter.ToEngineValue(value), buffer, root);
            }
            catch (BpfValueException e)
            {
                refused++;
                return e.Path.Length == 0 || e.Path == root || e.Path.StartsWith(root + ".", StringComparison.Ordinal) || e.Path.StartsWith(root + "[", StringComparison.Ordinal)
                    ? true
                    : throw new InvalidOperationException($"path '{e.Path}' is not under '{root}': {e.Message}");
            }

            encoded++;
            // Encoding is stable: the decoded bytes encode to the same bytes.
            var again = new byte[size];
            BtfValueCodec.Encode(btf, typeId, PSValueConverter.ToEngineValue(PSValueConverter.ToPSValue(BtfValueCodec.Decode(btf, typeId, buffer))), again, root);
            return buffer.AsSpan().SequenceEqual(again);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000).WithEndSize(40), property);

        // Both outcomes were explored: a generator that only ever produced junk (or only good values) tests little.
        Assert.True(encoded > 100, $"only {encoded} of the random values encoded");
        Assert.True(refused > 100, $"only {refused} of the random values were refused");
    }

    /// <summary>Values near the shape of <paramref name="typeId"/> (so that inner fields are reached), mixed with junk.</summary>
    private static Gen<object?> ValueFor(BtfSpec btf, uint typeId, int depth)
    {
        var t = btf.Resolve(typeId);
        var shaped = t switch
        {
            BtfComposite c when depth > 0 => StructFor(btf, c, depth),
            BtfArray a when depth > 0 && btf.Resolve(a.ElementTypeId) is BtfInt { Size: 1 } => Gen.OneOf(Strings(), ArrayFor(btf, a, depth)),
            BtfArray a when depth > 0 => ArrayFor(btf, a, depth),
            BtfEnum e => Gen.OneOf(Gen.Elements(e.Values.Select(v => (object?)v.Name).ToArray()), Integers()),
            BtfInt { IsBool: true } => Gen.Elements<object?>(true, false, 0, 1, "true", "false", "yes", 2),
            _ => Integers(),
        };
        return Gen.Frequency<object?>((12, shaped), (1, Junk(depth)), (2, shaped.Select(Wrap)));
    }

    private static Gen<object?> StructFor(BtfSpec btf, BtfComposite c, int depth)
    {
        var members = c.Members.Where(m => m.Name.Length > 0).ToArray();
        var memberGens = members.Select(m => ValueFor(btf, m.TypeId, depth - 1).Select(v => (m.Name, Value: v))).ToArray();
        var pairs = Gen.SubListOf(memberGens).SelectMany(chosen => chosen.Count == 0 ? Gen.Constant(new List<(string, object?)>()) : Gen.CollectToList(chosen).Select(l => l.ToList()));
        var extra = Gen.Frequency((8, Gen.Constant<(string, object?)?>(null)), (1, Names().Zip(Integers()).Select(p => ((string, object?)?)(p.Item1, p.Item2))));
        return pairs.Zip(extra).Zip(Gen.Choose(0, 3)).Select(p =>
        {
            var ((list, more), container) = p;
            var all = more is { } x ? list.Append(x).ToList() : list;
            return Container(all, container);
        });
    }

    private static Gen<object?> ArrayFor(BtfSpec btf, BtfArray a, int depth)
    {
        var element = ValueFor(btf, a.ElementTypeId, depth - 1);
        return Gen.Choose(0, (int)a.Count + 2).SelectMany(n => Gen.ArrayOf(element, n)).Select(items => (object?)items);
    }

    /// <summary>Members in one of PowerShell's shapes: @{}, [ordered]@{}, [pscustomobject]@{}, or a dictionary of PSObjects.</summary>
    private static object? Container(List<(string Name, object? Value)> members, int kind)
    {
        switch (kind)
        {
            case 0:
            {
                var h = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (var (n, v) in members) h[n] = v;
                return h;
            }
            case 1:
            {
                var o = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var (n, v) in members) o[n] = v;
                return o;
            }
            case 2:
            {
                var p = new PSObject();
                foreach (var (n, v) in members.Where(m => m.Name.Length > 0).DistinctBy(m => m.Name, StringComparer.OrdinalIgnoreCase)) p.Properties.Add(new PSNoteProperty(n, v));
                return p;
            }
            default:
            {
                var h = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (var (n, v) in members) h[n] = PSObject.AsPSObject(v ?? string.Empty);
                return PSObject.AsPSObject(h);
            }
        }
    }

    private static object? Wrap(object? value) => value is null ? null : PSObject.AsPSObject(value);

    private static Gen<object?> Integers() => Gen.Frequency<object?>(
        (6, Gen.Choose(0, 7).Select(i => (object?)i)),
        (2, Gen.Choose(-300, 300).Select(i => (object?)i)),
        (1, 
        Gen.Elements<object?>(
            (byte)255, (sbyte)-128, (short)-32768, (ushort)65535, int.MinValue, int.MaxValue, uint.MaxValue, long.MinValue,
            long.MaxValue, ulong.MaxValue, 65536, 4294967296L, -1L, 0.0, -0.0, 1.5, 1e300, -1e300, double.NaN,
            double.PositiveInfinity, double.NegativeInfinity, float.NaN, 3.0f, decimal.MaxValue, decimal.MinValue, 2.5m,
            BigInteger.Pow(2, 64), -BigInteger.Pow(2, 63) - 1, BigInteger.Pow(10, 40), (Int128)1 << 100, UInt128.MaxValue,
            'A', true, false, ConsoleColor.Red, BindingFlags.Public)));

    private static Gen<object?> Strings() => Gen.OneOf(
        Gen.Elements<object?>(string.Empty, "0", "-1", "0x10", "0xZZ", "1_000", " 42 ", "+7", "1e3", "NaN", "abc", "abcdefgh",
            "abcdefghi", "ééééé", "a\0b", "\uD800", new string('x', 4096), "SHAPE_RED", "true"),
        Gen.ArrayOf(Gen.Elements('a', 'z', '0', '-', 'x', 'é', '\0', ' ')).Select(c => (object?)new string(c)));

    private static Gen<string> Names() => Gen.Elements("nope", "SMALL", "port", "inner", "1", string.Empty, "pair[0]", "u.word", "low");

    private static Gen<object?> Junk(int depth)
    {
        var leaves = Gen.OneOf(
            Integers(), Strings(),
            Gen.Elements<object?>(null, DateTime.UnixEpoch, Guid.Empty, new object(), ScriptBlock.Create("1"), new byte[0], new byte[3], new byte[80], new int[] { 1, 2 }, new List<object?> { 1, "x" }, new PSObject()));
        if (depth <= 0) return leaves;
        var nested = Junk(depth - 1);
        return Gen.Frequency<object?>(
            (6, leaves),
            (1, Gen.ArrayOf(nested, 3).Select(a => (object?)a)),
            (1, Names().Zip(nested).Select(p => Container([(p.Item1, p.Item2)], 0))),
            (1, Gen.Constant<object?>(null).Select(_ => (object?)SelfReferencing())));
    }

    private static object SelfReferencing()
    {
        var h = new Hashtable(StringComparer.OrdinalIgnoreCase);
        h["inner"] = h;
        return h;
    }
}
