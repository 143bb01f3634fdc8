using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace PSBpf.Module.Tests;

/// <summary>
/// What PowerShell 7's ConvertTo-Json writes for an object, without PowerShell (not installable here). Mirrors
/// JsonObject.ProcessValue: strings, chars, booleans, numbers, DateTime are values; enums are numbers (strings with
/// -EnumsAsStrings); dictionaries are objects; other enumerables arrays; every other object is its public fields then
/// public parameterless properties by reflection (a getter that throws gives null); below -Depth (default 2) a
/// non-primitive becomes its string conversion (enumerables joined by spaces, as $OFS does). Newtonsoft's indented
/// output: two spaces, DateTime as ISO 8601 ("o" without trailing zeros of the fraction), whole doubles with ".0".
/// PSCustomObjects (BTF-decoded keys, values and records) are the engine's ordered dictionaries here: both serialise
/// as objects with the members in order.
/// </summary>
internal static class PSJson
{
    public static string Serialize(object? value, int depth = 2, bool enumsAsStrings = false, Func<string, object?, object?>? mask = null)
    {
        var sb = new StringBuilder();
        Write(sb, Process(value, 0, depth, enumsAsStrings), 0, mask is null ? null : string.Empty, mask);
        return sb.ToString();
    }

    private sealed class JObject : List<KeyValuePair<string, object?>>;

    private static object? Process(object? obj, int current, int max, bool enumsAsStrings)
    {
        switch (obj)
        {
            case null or DBNull:
                return null;
            case string or bool or DateTime or DateTimeOffset or Guid or Uri or double or float or decimal:
                return obj;
            case char c:
                return c.ToString();
            case Enum e:
                return enumsAsStrings ? e.ToString() : Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture);
        }

        var type = obj.GetType();
        if (type.IsPrimitive) return obj;
        if (current > max) return AsString(obj);
        if (obj is IDictionary dict)
        {
            var o = new JObject();
            foreach (DictionaryEntry entry in dict) o.Add(new(entry.Key.ToString()!, Process(entry.Value, current + 1, max, enumsAsStrings)));
            return o;
        }

        if (obj is IEnumerable list)
        {
            var a = new List<object?>();
            foreach (var item in list) a.Add(Process(item, current + 1, max, enumsAsStrings));
            return a;
        }

        var result = new JObject();
        foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            result.Add(new(f.Name, Process(f.GetValue(obj), current + 1, max, enumsAsStrings)));
        }

        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetGetMethod() is not { } getter || getter.GetParameters().Length > 0) continue;
            object? v;
            try
            {
                v = getter.Invoke(obj, null);
            }
            catch (TargetInvocationException)
            {
                v = null;
            }

            result.Add(new(p.Name, Process(v, current + 1, max, enumsAsStrings)));
        }

        return result;
    }

    /// <summary>LanguagePrimitives.ConvertTo&lt;string&gt;: enumerables joined with spaces, everything else ToString().</summary>
    private static string AsString(object obj) => obj is IEnumerable e and not string
        ? string.Join(' ', e.Cast<object?>().Select(x => x is null ? string.Empty : Convert.ToString(x, CultureInfo.InvariantCulture)))
        : Convert.ToString(obj, CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>Writes <paramref name="v"/>; <paramref name="mask"/> may replace leaf values, given their path ("Value.pid", "MapIds[]").</summary>
    private static void Write(StringBuilder sb, object? v, int indent, string? key, Func<string, object?, object?>? mask)
    {
        if (key is not null && mask is not null && v is not (JObject or List<object?>)) v = mask(key, v);
        switch (v)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case DateTime d:
                sb.Append('"').Append(d.ToString(d.Kind == DateTimeKind.Unspecified ? "yyyy-MM-ddTHH:mm:ss.FFFFFFF" : "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture)).Append('"');
                break;
            case double or float:
                var dbl = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                var text = dbl.ToString("R", CultureInfo.InvariantCulture);
                sb.Append(text.Contains('.') || text.Contains('E') ? text : text + ".0");
                break;
            case JObject o when o.Count == 0:
                sb.Append("{}");
                break;
            case JObject o:
                sb.Append("{\n");
                for (int i = 0; i < o.Count; i++)
                {
                    sb.Append(' ', (indent + 1) * 2);
                    WriteString(sb, o[i].Key);
                    sb.Append(": ");
                    Write(sb, o[i].Value, indent + 1, key is null ? null : key.Length == 0 ? o[i].Key : key + "." + o[i].Key, mask);
                    sb.Append(i < o.Count - 1 ? ",\n" : "\n");
                }

                sb.Append(' ', indent * 2).Append('}');
                break;
            case List<object?> a when a.Count == 0:
                sb.Append("[]");
                break;
            case List<object?> a:
                sb.Append("[\n");
                for (int i = 0; i < a.Count; i++)
                {
                    sb.Append(' ', (indent + 1) * 2);
                    Write(sb, a[i], indent + 1, key is null ? null : key + "[]", mask);
                    sb.Append(i < a.Count - 1 ? ",\n" : "\n");
                }

                sb.Append(' ', indent * 2).Append(']');
                break;
            default:
                sb.Append(Convert.ToString(v, CultureInfo.InvariantCulture)); // integers
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }
}
