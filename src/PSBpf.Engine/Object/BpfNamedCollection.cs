using System.Collections;

namespace PSBpf.Engine;

/// <summary>
/// An ordered, read-only list of named items (programs, maps, globals) that can also be indexed by name.
/// Enumerates the items themselves, so PowerShell pipelines see programs/maps, not key-value pairs.
/// </summary>
/// <typeparam name="T">Item type.</typeparam>
public sealed class BpfNamedCollection<T> : IReadOnlyList<T>
    where T : class
{
    private readonly List<T> _items = [];
    private readonly Dictionary<string, T> _byName = new(StringComparer.Ordinal);
    private readonly Func<T, string> _name;
    private readonly string _what;

    internal BpfNamedCollection(Func<T, string> name, string what)
    {
        _name = name;
        _what = what;
    }

    /// <summary>Number of items.</summary>
    public int Count => _items.Count;

    /// <summary>Names in order.</summary>
    public IEnumerable<string> Names => _items.Select(_name);

    /// <summary>Item by position.</summary>
    public T this[int index] => _items[index];

    /// <summary>Item by name; a <see cref="KeyNotFoundException"/> naming the valid names when absent.</summary>
    public T this[string name] => _byName.TryGetValue(name, out var item)
        ? item
        : throw new KeyNotFoundException($"no {_what} named '{name}'; {(_items.Count == 0 ? $"there are no {_what}s" : $"known: {string.Join(", ", Names)}")}");

    /// <summary>True if an item with this name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The item with this name, or null.</summary>
    public T? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Looks an item up by name.</summary>
    public bool TryGetValue(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T item) => _byName.TryGetValue(name, out item);

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(T item)
    {
        _items.Add(item);
        _byName.TryAdd(_name(item), item);
    }
}
