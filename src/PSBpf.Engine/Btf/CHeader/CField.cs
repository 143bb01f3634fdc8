namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A laid-out member: name (empty for anonymous structs and unions), type, offset in bits, bitfield width (0: none).</summary>
internal sealed record CField(string Name, CType Type, long BitOffset, int BitfieldSize);
