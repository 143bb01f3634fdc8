namespace PSBpf.Engine.Btf;

/// <summary>One BTF type. Subclasses carry the kind-specific data; references to other types are ids into <see cref="Owner"/>.</summary>
public abstract class BtfType
{
    private protected BtfType(BtfSpec owner, uint id, string name, BtfKind kind)
    {
        Owner = owner;
        Id = id;
        Name = name;
        Kind = kind;
    }

    /// <summary>The BTF this type belongs to (for split BTF, the split part or its base).</summary>
    internal BtfSpec Owner { get; }
    /// <summary>Type id (0 is void).</summary>
    public uint Id { get; }
    /// <summary>Name; empty for anonymous types.</summary>
    public string Name { get; internal set; }
    /// <summary>Offset of the name in the string section it was read from, reused when re-encoding.</summary>
    internal uint NameOffset { get; set; }
    /// <summary>The kind_flag bit as read (bitfield encoding, signedness, union forward, or attribute tag).</summary>
    internal bool KindFlag { get; set; }
    /// <summary>BTF kind.</summary>
    public BtfKind Kind { get; }

    /// <summary>Name as C would spell the type's kind and name, e.g. "struct task_struct".</summary>
    public override string ToString() => Kind switch
    {
        BtfKind.Struct => $"struct {Display}",
        BtfKind.Union => $"union {Display}",
        BtfKind.Enum or BtfKind.Enum64 => $"enum {Display}",
        BtfKind.Forward => $"fwd {Display}",
        _ => $"{Kind.ToString().ToLowerInvariant()} {Display}",
    } + $" [{Id}]";

    private string Display => Name.Length == 0 ? "(anon)" : Name;
}
