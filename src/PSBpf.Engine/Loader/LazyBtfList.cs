using System.Collections;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>A list of BTF specs produced on first use: module BTF is read from the kernel only when a search needs it.</summary>
internal sealed class LazyBtfList : IReadOnlyList<BtfSpec>
{
    private readonly Lazy<IReadOnlyList<BtfSpec>> _items;

    public LazyBtfList(Func<IReadOnlyList<BtfSpec>> load) => _items = new Lazy<IReadOnlyList<BtfSpec>>(load);

    /// <summary>Whether the list has been produced yet.</summary>
    public bool IsLoaded => _items.IsValueCreated;

    public int Count => _items.Value.Count;

    public BtfSpec this[int index] => _items.Value[index];

    public IEnumerator<BtfSpec> GetEnumerator() => _items.Value.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
