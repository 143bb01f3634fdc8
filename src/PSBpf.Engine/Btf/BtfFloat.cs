namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_FLOAT.</summary>
public sealed class BtfFloat : BtfType
{
    internal BtfFloat(BtfSpec owner, uint id, string name, uint size) : base(owner, id, name, BtfKind.Float)
    {
        Size = size;
    }

    /// <summary>Size in bytes.</summary>
    public uint Size { get; }
}
