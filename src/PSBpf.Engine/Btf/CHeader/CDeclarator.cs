namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A parsed declarator: the name it declares (null when abstract) and how it derives the declared type from the base type.</summary>
internal sealed record CDeclarator(string? Name, CLocation Location, Func<CType, CType> Derive);
