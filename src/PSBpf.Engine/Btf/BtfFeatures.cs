namespace PSBpf.Engine.Btf;

/// <summary>Which BTF kinds and forms the running kernel accepts (from feature probes).</summary>
/// <param name="Func">BTF_KIND_FUNC and FUNC_PROTO.</param>
/// <param name="GlobalFunc">FUNC with global linkage.</param>
/// <param name="Datasec">VAR and DATASEC.</param>
/// <param name="QmarkDatasec">DATASEC names starting with '?'.</param>
/// <param name="Float">BTF_KIND_FLOAT.</param>
/// <param name="DeclTag">BTF_KIND_DECL_TAG.</param>
/// <param name="TypeTag">BTF_KIND_TYPE_TAG.</param>
/// <param name="Enum64">BTF_KIND_ENUM64 (and signed enums).</param>
public sealed record BtfFeatures(bool Func, bool GlobalFunc, bool Datasec, bool QmarkDatasec, bool Float, bool DeclTag, bool TypeTag, bool Enum64)
{
    /// <summary>Everything supported: no sanitisation needed.</summary>
    public static BtfFeatures All { get; } = new(true, true, true, true, true, true, true, true);

    /// <summary>True when some kind must be rewritten before upload.</summary>
    public bool NeedsSanitizing => this != All;
}
