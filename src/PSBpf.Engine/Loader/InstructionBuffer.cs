using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The growing instruction array of a linked program. A List&lt;BpfInstruction&gt; would be an instantiation of the
/// framework's generic over an engine struct, which ReadyToRun cannot precompile: a fresh process would JIT it.
/// </summary>
internal sealed class InstructionBuffer
{
    private BpfInstruction[] _items = new BpfInstruction[64];

    public int Count { get; private set; }

    public BpfInstruction this[int index]
    {
        get => index < Count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));
        set => _items[index < Count ? index : throw new ArgumentOutOfRangeException(nameof(index))] = value;
    }

    public void AddRange(BpfInstruction[] code)
    {
        if (Count + code.Length > _items.Length)
        {
            var grown = new BpfInstruction[Math.Max(_items.Length * 2, Count + code.Length)];
            Array.Copy(_items, grown, Count);
            _items = grown;
        }

        Array.Copy(code, 0, _items, Count, code.Length);
        Count += code.Length;
    }

    public BpfInstruction[] ToArray()
    {
        var result = new BpfInstruction[Count];
        Array.Copy(_items, result, Count);
        return result;
    }
}
