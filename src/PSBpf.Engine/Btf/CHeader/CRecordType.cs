namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A struct or union. Incomplete until its body is read; one never defined may be the kernel's (<see cref="Kernel"/>).</summary>
internal sealed class CRecordType(bool isUnion, string? tag, CLocation location) : CType
{
    public bool IsUnion { get; } = isUnion;
    public string? Tag { get; } = tag;
    public CLocation Location { get; } = location;
    public bool IsComplete { get; private set; }
    public IReadOnlyList<CField> Fields { get; private set; } = [];
    public long Size { get; private set; }
    public int Align { get; private set; } = 1;

    /// <summary>Set when the header only declares the tag and the kernel's BTF defines it.</summary>
    public BtfType? Kernel { get; set; }

    /// <summary>Resolves an incomplete tag through kernel BTF when its size is needed; set by the parser.</summary>
    public Func<CRecordType, BtfType?>? KernelLookup { get; set; }

    public string Keyword => IsUnion ? "union" : "struct";

    public void Complete(IReadOnlyList<CField> fields, long size, int align)
    {
        Fields = fields;
        Size = size;
        Align = align;
        IsComplete = true;
    }

    public override long SizeAt(CLocation use)
    {
        if (IsComplete) return Size;
        return new CKernelType(KernelOrThrow(use)).SizeAt(use);
    }

    public override int AlignAt(CLocation use)
    {
        if (IsComplete) return Align;
        return new CKernelType(KernelOrThrow(use)).AlignAt(use);
    }

    private BtfType KernelOrThrow(CLocation use)
    {
        Kernel ??= KernelLookup?.Invoke(this);
        return Kernel ?? throw use.Error($"{Spelling} is incomplete: declared at {Location} but never defined, and the kernel BTF has no {Spelling} either");
    }

    public override string Spelling => Tag is null ? $"{Keyword} (anonymous at {Location})" : $"{Keyword} {Tag}";
}
