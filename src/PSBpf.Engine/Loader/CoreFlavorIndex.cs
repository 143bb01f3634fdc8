using System.Runtime.CompilerServices;
using System.Text;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The flavoured names ("name___flavor") of one BTF, grouped by essential name, so that a candidate search
/// can find "task_struct___2" for a local "task_struct" through <see cref="BtfSpec.FindAllByName"/> instead of
/// a scan over every type. Built once per BTF (kept alive with it) from a walk of its string section.
/// </summary>
internal sealed class CoreFlavorIndex
{
    private static readonly ConditionalWeakTable<BtfSpec, CoreFlavorIndex> Cache = new();
    private static readonly IReadOnlyList<string> None = [];

    private readonly Dictionary<string, List<string>> _byEssential = new(StringComparer.Ordinal);

    private CoreFlavorIndex(BtfSpec btf)
    {
        // Only this BTF's own strings: a split BTF's base has its own index.
        uint offset = btf.Base?.StringsLength ?? 0;
        uint end = btf.StringsLength;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (offset < end)
        {
            string s = btf.GetString(offset);
            // BTF strings are ASCII in practice; were one not valid UTF-8, the walk would resynchronise at the next NUL.
            offset += (uint)Encoding.UTF8.GetByteCount(s) + 1;
            if (s.Length < 5 || !s.Contains("___", StringComparison.Ordinal))
            {
                continue;
            }

            string essential = BtfCoreNames.EssentialName(s);
            if (essential.Length == s.Length || !seen.Add(s))
            {
                continue;
            }

            if (!_byEssential.TryGetValue(essential, out var names))
            {
                _byEssential[essential] = names = new List<string>(1);
            }

            names.Add(s);
        }
    }

    /// <summary>The index of <paramref name="btf"/>'s own strings (not its base's).</summary>
    public static CoreFlavorIndex For(BtfSpec btf) => Cache.GetValue(btf, b => new CoreFlavorIndex(b));

    /// <summary>Flavoured names whose essential name is <paramref name="essential"/>.</summary>
    public IReadOnlyList<string> FlavorsOf(string essential) =>
        _byEssential.TryGetValue(essential, out var names) ? names : None;
}
