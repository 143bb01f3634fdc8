namespace PSBpf.Engine.Btf;

/// <summary>One entry of a DATASEC: a VAR (or FUNC, for .ksyms) placed at an offset in the section.</summary>
public sealed class BtfVarSecInfo
{
    internal BtfVarSecInfo(uint typeId, uint offset, uint size)
    {
        TypeId = typeId;
        Offset = offset;
        Size = size;
    }

    /// <summary>The VAR (or FUNC) type id.</summary>
    public uint TypeId { get; internal set; }
    /// <summary>Byte offset in the section (fixed up from ELF symbols at open).</summary>
    public uint Offset { get; internal set; }
    /// <summary>Size in bytes.</summary>
    public uint Size { get; internal set; }
}
