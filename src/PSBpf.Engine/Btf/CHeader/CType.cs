namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A C type as the header declares it, before it becomes BTF. Sizes and alignments are clang's for -target bpf.</summary>
internal abstract class CType
{
    /// <summary>Size in bytes; throws for types without one (incomplete structs, functions).</summary>
    public abstract long SizeAt(CLocation use);

    /// <summary>Alignment in bytes.</summary>
    public abstract int AlignAt(CLocation use);

    /// <summary>The type behind typedefs.</summary>
    public virtual CType Resolved => this;

    /// <summary>The C spelling, for messages.</summary>
    public abstract string Spelling { get; }

    public override string ToString() => Spelling;
}
