namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_FUNC: a function, referencing its FUNC_PROTO.</summary>
public sealed class BtfFunc : BtfReference
{
    internal BtfFunc(BtfSpec owner, uint id, string name, uint protoId, BtfLinkage linkage)
        : base(owner, id, name, BtfKind.Func, protoId)
    {
        Linkage = linkage;
    }

    /// <summary>Function linkage (vlen of the type).</summary>
    public BtfLinkage Linkage { get; internal set; }
}
