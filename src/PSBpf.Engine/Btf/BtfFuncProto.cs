namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_FUNC_PROTO: return type and parameters.</summary>
public sealed class BtfFuncProto : BtfType
{
    internal BtfFuncProto(BtfSpec owner, uint id, string name, uint returnTypeId, BtfParameter[] parameters)
        : base(owner, id, name, BtfKind.FuncProto)
    {
        ReturnTypeId = returnTypeId;
        Parameters = new ReadOnlyArray<BtfParameter>(parameters);
    }

    /// <summary>Return type id (0 = void).</summary>
    public uint ReturnTypeId { get; }
    /// <summary>Parameters in order.</summary>
    public IReadOnlyList<BtfParameter> Parameters { get; }
}
