namespace PSBpf.Engine.Btf.CHeader;

/// <summary>An enum with its enumerators; its size follows from the values as clang picks it (4 bytes unless they need 8, smallest with packed).</summary>
internal sealed class CEnumType(string? tag, CLocation location) : CType
{
    public string? Tag { get; } = tag;
    public CLocation Location { get; } = location;
    public bool IsComplete { get; private set; }
    public IReadOnlyList<BtfEnumValue> Values { get; private set; } = [];
    public int Size { get; private set; } = 4;
    public bool IsSigned { get; private set; }
    public BtfType? Kernel { get; set; }
    public Func<CEnumType, BtfType?>? KernelLookup { get; set; }

    public void Complete(IReadOnlyList<BtfEnumValue> values, int size, bool signed)
    {
        Values = values;
        Size = size;
        IsSigned = signed;
        IsComplete = true;
    }

    public override long SizeAt(CLocation use) => IsComplete ? Size : new CKernelType(KernelOrThrow(use)).SizeAt(use);

    public override int AlignAt(CLocation use) => IsComplete ? Size : new CKernelType(KernelOrThrow(use)).AlignAt(use);

    private BtfType KernelOrThrow(CLocation use)
    {
        Kernel ??= KernelLookup?.Invoke(this);
        return Kernel ?? throw use.Error($"{Spelling} is incomplete: declared at {Location} but never defined, and the kernel BTF has no {Spelling} either");
    }

    public override string Spelling => Tag is null ? $"enum (anonymous at {Location})" : $"enum {Tag}";
}
