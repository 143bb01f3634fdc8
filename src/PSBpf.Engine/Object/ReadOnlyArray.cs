using System.Collections;

namespace PSBpf.Engine;

/// <summary>
/// A read-only view of an array, handed out as <see cref="IReadOnlyList{T}"/>. Why not the array itself: interface
/// calls on an array of an engine struct go through the runtime's SZArrayHelper instantiations, which no ReadyToRun
/// image holds, so each is JIT-compiled in a fresh process; this type's code is the engine's and is precompiled.
/// </summary>
internal sealed class ReadOnlyArray<T> : IReadOnlyList<T>
{
    private readonly T[] _items;

    public ReadOnlyArray(T[] items) => _items = items;

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => new Enumerator(_items);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Enumerator(T[] items) : IEnumerator<T>
    {
        private int _index = -1;

        public T Current => items[_index];

        object? IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < items.Length;

        public void Reset() => _index = -1;

        public void Dispose()
        {
        }
    }
}
