using System.Collections;
using System.Collections.Specialized;
using System.Numerics;
using PSBpf.Engine.Btf;

namespace PSBpf.Conversion;

/// <summary>
/// Host-independent value reshaping between PowerShell-style values and the plain CLR values the engine's BTF codec
/// encodes and decodes: scalars, strings, byte arrays, <see cref="IDictionary"/> for structs and object arrays for arrays.
/// </summary>
public static class ValueShapes
{
    /// <summary>Deepest nesting accepted; deeper input is almost certainly a cycle.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Converts a value to engine-friendly plain data, recursively: host wrappers are removed through <paramref name="unwrapper"/>,
    /// property bags become <see cref="OrderedDictionary"/> (property order kept), dictionaries become <see cref="OrderedDictionary"/>
    /// with converted keys and values, other enumerables (except strings and byte arrays) become <c>object?[]</c>.
    /// Scalars, strings and byte arrays are returned unchanged.
    /// </summary>
    /// <exception cref="BpfValueException">The value nests deeper than <see cref="MaxDepth"/> (a cycle).</exception>
    public static object? ToPlain(object? value, IValueUnwrapper unwrapper)
    {
        ArgumentNullException.ThrowIfNull(unwrapper);
        return ToPlain(value, unwrapper, 0);
    }

    /// <summary>
    /// Rebuilds a decoded engine value for display: every <see cref="IDictionary"/> (a decoded struct/union/datasec) becomes
    /// whatever <paramref name="makeRecord"/> returns for its entries (PowerShell: an ordered PSCustomObject), recursively through
    /// object arrays. Scalars, strings and byte arrays are returned unchanged.
    /// </summary>
    public static object? MapRecords(object? value, Func<IReadOnlyList<KeyValuePair<string, object?>>, object> makeRecord)
    {
        ArgumentNullException.ThrowIfNull(makeRecord);
        return MapRecords(value, makeRecord, 0);
    }

    /// <summary>True for values passed through unchanged in both directions.</summary>
    public static bool IsScalar(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value is string or byte[] or decimal or BigInteger or Enum or DateTime or DateTimeOffset or TimeSpan or Guid or Int128 or UInt128
            || value.GetType().IsPrimitive;
    }

    private static object? ToPlain(object? value, IValueUnwrapper unwrapper, int depth)
    {
        if (value is null) return null;
        if (depth > MaxDepth) throw new BpfValueException(string.Empty, $"the value nests deeper than {MaxDepth} levels (does it refer to itself?)");

        if (unwrapper.TryUnwrap(value, out var unwrapped, out var properties))
        {
            if (properties is not null)
            {
                var bag = new OrderedDictionary(properties.Count, StringComparer.Ordinal);
                foreach (var (name, v) in properties)
                {
                    bag[name] = ToPlain(v, unwrapper, depth + 1);
                }

                return bag;
            }

            return ReferenceEquals(unwrapped, value) ? value : ToPlain(unwrapped, unwrapper, depth + 1);
        }

        if (IsScalar(value)) return value;

        if (value is IDictionary dict)
        {
            var result = new OrderedDictionary(dict.Count);
            foreach (DictionaryEntry e in dict)
            {
                var key = ToPlain(e.Key, unwrapper, depth + 1) ?? throw new BpfValueException(string.Empty, "a dictionary key is null");
                result[key] = ToPlain(e.Value, unwrapper, depth + 1);
            }

            return result;
        }

        if (value is IEnumerable sequence)
        {
            var items = new List<object?>();
            foreach (var item in sequence)
            {
                items.Add(ToPlain(item, unwrapper, depth + 1));
            }

            return items.ToArray();
        }

        return value;
    }

    private static object? MapRecords(object? value, Func<IReadOnlyList<KeyValuePair<string, object?>>, object> makeRecord, int depth)
    {
        if (value is null || IsScalar(value) || depth > MaxDepth) return value;

        if (value is IDictionary dict)
        {
            var entries = new List<KeyValuePair<string, object?>>(dict.Count);
            foreach (DictionaryEntry e in dict)
            {
                entries.Add(new(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, MapRecords(e.Value, makeRecord, depth + 1)));
            }

            return makeRecord(entries);
        }

        if (value is object?[] items)
        {
            var copy = new object?[items.Length];
            for (int k = 0; k < items.Length; k++)
            {
                copy[k] = MapRecords(items[k], makeRecord, depth + 1);
            }

            return copy;
        }

        return value;
    }
}
