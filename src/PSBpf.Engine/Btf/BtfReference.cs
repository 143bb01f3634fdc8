namespace PSBpf.Engine.Btf;

/// <summary>A type whose only payload is a reference to another type (pointer, typedef, qualifiers, type tag).</summary>
public abstract class BtfReference : BtfType
{
    private protected BtfReference(BtfSpec owner, uint id, string name, BtfKind kind, uint typeId)
        : base(owner, id, name, kind)
    {
        TypeId = typeId;
    }

    /// <summary>Id of the referenced type.</summary>
    public uint TypeId { get; internal set; }

    /// <summary>The referenced type.</summary>
    public BtfType Type => Owner[TypeId];
}
