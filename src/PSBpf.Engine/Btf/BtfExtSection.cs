namespace PSBpf.Engine.Btf;

/// <summary>The .BTF.ext records of one ELF code section.</summary>
public sealed class BtfExtSection
{
    internal BtfExtSection(string name) => Name = name;

    /// <summary>ELF section name.</summary>
    public string Name { get; }
    /// <summary>Function info records, sorted by instruction.</summary>
    public List<BtfFuncInfo> FuncInfos { get; } = [];
    /// <summary>Line info records, sorted by instruction.</summary>
    public List<BtfLineInfo> LineInfos { get; } = [];
    /// <summary>CO-RE relocation records.</summary>
    public List<BtfCoreRelocation> CoreRelocations { get; } = [];
}
