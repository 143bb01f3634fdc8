using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>The kernel's BTF, parsed once per path and shared by every load in the process.</summary>
internal static class KernelBtf
{
    private static readonly Dictionary<string, BtfSpec> Cache = new(StringComparer.Ordinal);
    private static readonly object Gate = new();

    public static BtfSpec Get(string path)
    {
        lock (Gate)
        {
            if (!Cache.TryGetValue(path, out var btf))
            {
                Cache[path] = btf = BtfSpec.Load(path);
            }

            return btf;
        }
    }
}
