namespace PSBpf.Engine.Btf;

/// <summary>The void type, id 0.</summary>
public sealed class BtfVoid : BtfType
{
    internal BtfVoid(BtfSpec owner) : base(owner, 0, string.Empty, BtfKind.Void) { }
}
