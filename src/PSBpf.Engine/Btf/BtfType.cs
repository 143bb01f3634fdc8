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

    /// <summary>The type as C declares it, e.g. <c>struct task_struct *</c>, <c>const volatile __u64</c>, <c>char[16]</c>; a variable or function with its name.</summary>
    public override string ToString() => BtfCDeclaration.Of(this);
}
