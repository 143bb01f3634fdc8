using System.Text;

namespace PSBpf.Engine.Btf;

/// <summary>
/// The names of one BTF's own types, hashed from their UTF-8 bytes in place: buckets of type indexes chained in id
/// order. Why not a Dictionary of strings: kernel BTF has ~90k distinct names, and making a string of each (and a list
/// per name) took ~60 ms in a fresh process, most of a first CO-RE load; hashing the bytes makes no string at all,
/// and a lookup compares bytes the way <see cref="BtfSpec.FindByName"/> does.
/// </summary>
internal sealed class BtfNameIndex
{
    private readonly int[] _buckets; // hash & mask → first type index + 1 (0: empty)
    private readonly int[] _next;    // type index → next type index + 1 with the same bucket, ascending
    private readonly int _mask;

    private BtfNameIndex(int[] buckets, int[] next)
    {
        _buckets = buckets;
        _next = next;
        _mask = buckets.Length - 1;
    }

    /// <summary>Indexes <paramref name="count"/> types; <paramref name="name"/> gives a type index's name bytes (empty: anonymous).</summary>
    public static BtfNameIndex Build(int count, NameBytes name)
    {
        int size = 16;
        while (size < count) size <<= 1;
        var buckets = new int[size];
        var next = new int[count];
        // backwards, each pushed on its bucket's head: chains come out in ascending index (type id) order
        for (int i = count - 1; i >= 0; i--)
        {
            var bytes = name(i);
            if (bytes.IsEmpty) continue;
            int b = Hash(bytes) & (size - 1);
            next[i] = buckets[b];
            buckets[b] = i + 1;
        }

        return new BtfNameIndex(buckets, next);
    }

    /// <summary>A type index's name bytes, without the NUL.</summary>
    public delegate ReadOnlySpan<byte> NameBytes(int index);

    /// <summary>The type indexes named <paramref name="name"/>, ascending.</summary>
    public List<int> Find(string name, NameBytes nameOf)
    {
        var found = new List<int>();
        if (name.Length == 0) return found;
        Span<byte> buf = name.Length <= 256 ? stackalloc byte[name.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(name.Length)];
        var needle = buf[..Encoding.UTF8.GetBytes(name, buf)];
        for (int i = _buckets[Hash(needle) & _mask]; i != 0; i = _next[i - 1])
        {
            if (nameOf(i - 1).SequenceEqual(needle)) found.Add(i - 1);
        }

        return found;
    }

    // FNV-1a, in the engine's own code: a fresh process runs this over every kernel type name once, and the loop stays in
    // this method's precompiled code instead of calling HashCode's per block
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        uint h = 2166136261;
        foreach (byte b in bytes) h = (h ^ b) * 16777619;
        return (int)(h ^ (h >> 15));
    }
}
