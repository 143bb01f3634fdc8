namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A member as declared, before layout: <see cref="Width"/> is the bitfield width (null: not a bitfield).</summary>
internal sealed record CFieldDeclaration(string Name, CType Type, int? Width, bool Packed, int Aligned, CLocation Location);
