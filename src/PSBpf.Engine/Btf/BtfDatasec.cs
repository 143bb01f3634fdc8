namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_DATASEC: the variables of one data section.</summary>
public sealed class BtfDatasec : BtfType
{
    internal BtfDatasec(BtfSpec owner, uint id, string name, uint size, BtfVarSecInfo[] variables)
        : base(owner, id, name, BtfKind.Datasec)
    {
        Size = size;
        Variables = variables;
    }

    /// <summary>Section size in bytes (fixed up from the ELF section at open).</summary>
    public uint Size { get; internal set; }
    /// <summary>Variables in the section.</summary>
    public IReadOnlyList<BtfVarSecInfo> Variables { get; internal set; }
}
