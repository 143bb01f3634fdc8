namespace PSBpf.Engine.Btf.CHeader;

/// <summary>The GNU attributes that change layouts: packed and aligned(N). Others are read and ignored.</summary>
internal sealed class CAttributes
{
    public bool Packed { get; set; }
    public int Aligned { get; set; }
}
