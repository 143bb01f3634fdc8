using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>An extern symbol (__kconfig or __ksym) resolved at load.</summary>
public sealed class BpfExtern
{
    internal BpfExtern(string name, BpfExternKind kind, uint btfId, int symbolIndex, bool isWeak)
    {
        Name = name;
        Kind = kind;
        BtfId = btfId;
        SymbolIndex = symbolIndex;
        IsWeak = isWeak;
    }

    /// <summary>Symbol name (may carry a ___flavor suffix).</summary>
    public string Name { get; }
    /// <summary>Name without a ___flavor suffix.</summary>
    public string EssentialName => BtfCoreNames.EssentialName(Name);
    /// <summary>.kconfig or .ksyms.</summary>
    public BpfExternKind Kind { get; }
    /// <summary>The VAR or FUNC in the object's BTF.</summary>
    public uint BtfId { get; }
    /// <summary>Index of the ELF symbol.</summary>
    public int SymbolIndex { get; }
    /// <summary>True for __weak externs: unresolved ones become zero instead of failing the load.</summary>
    public bool IsWeak { get; }
    /// <summary>True for a kfunc (a FUNC in .ksyms).</summary>
    public bool IsFunction { get; internal set; }
    /// <summary>For typed ksyms, the variable's type id (after modifiers/typedefs); 0 for typeless ("void") ksyms.</summary>
    public uint TypeId { get; internal set; }
    /// <summary>.kconfig encoding.</summary>
    public BpfKconfigType KconfigType { get; internal set; }
    /// <summary>.kconfig value size in bytes.</summary>
    public int Size { get; internal set; }
    /// <summary>.kconfig alignment.</summary>
    public int Alignment { get; internal set; }
    /// <summary>.kconfig signedness.</summary>
    public bool IsSigned { get; internal set; }
    /// <summary>Offset of the value in the .kconfig map.</summary>
    public int DataOffset { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind}{(IsWeak ? ", weak" : string.Empty)})";
}
