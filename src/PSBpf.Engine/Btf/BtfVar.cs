namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_VAR: a global variable.</summary>
public sealed class BtfVar : BtfReference
{
    internal BtfVar(BtfSpec owner, uint id, string name, uint typeId, BtfLinkage linkage)
        : base(owner, id, name, BtfKind.Var, typeId)
    {
        Linkage = linkage;
    }

    /// <summary>Variable linkage.</summary>
    public BtfLinkage Linkage { get; internal set; }
}
