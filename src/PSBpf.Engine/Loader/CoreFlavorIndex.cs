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
        // Only this BTF's own strings: a split BTF's base has its own index. Only strings holding "___" become
        // strings at all; finding them is a vectorised search of the raw bytes, not a walk string by string.
        var all = btf.RawStrings.Span;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int at = 0;
        while (at < all.Length)
        {
            int hit = all[at..].IndexOf("___"u8);
            if (hit < 0) break;
            hit += at;
            int start = all[..hit].LastIndexOf((byte)0) + 1;
            int nul = all[hit..].IndexOf((byte)0);
            int end = nul < 0 ? all.Length : hit + nul;
            at = end + 1;
            // BTF strings are ASCII in practice; were one not valid UTF-8, it would decode with replacement characters
            string s = Encoding.UTF8.GetString(all[start..end]);
            string essential = BtfCoreNames.EssentialName(s);
            if (s.Length < 5 || essential.Length == s.Length || !seen.Add(s))
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
