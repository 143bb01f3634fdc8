namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_FWD: a forward declaration of a struct or union.</summary>
public sealed class BtfForward : BtfType
{
    internal BtfForward(BtfSpec owner, uint id, string name, bool isUnion) : base(owner, id, name, BtfKind.Forward)
    {
        IsUnion = isUnion;
    }

    /// <summary>True when forward-declaring a union.</summary>
    public bool IsUnion { get; }
}
