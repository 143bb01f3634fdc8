namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A typedef name; <see cref="AlignOverride"/> holds an <c>aligned(N)</c> attribute on the typedef.</summary>
internal sealed class CTypedefType(string name, CType target, int alignOverride = 0) : CType
{
    public string Name { get; } = name;
    public CType Target { get; } = target;
    public int AlignOverride { get; } = alignOverride;
    public override long SizeAt(CLocation use) => Target.SizeAt(use);
    public override int AlignAt(CLocation use) => AlignOverride > 0 ? AlignOverride : Target.AlignAt(use);
    public override CType Resolved => Target.Resolved;
    public override string Spelling => Name;
}
