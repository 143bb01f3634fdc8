namespace PSBpf.Engine.Loader;

/// <summary>
/// The computed outcome of one relocation before patching (libbpf's bpf_core_relo_res): the value the
/// instruction should hold now (from the local BTF), the value to patch in (from the target), and how to patch.
/// </summary>
internal struct CoreRelocationValue
{
    /// <summary>Expected current value in the instruction (checked unless <see cref="Validate"/> is false).</summary>
    public ulong OriginalValue;
    /// <summary>Value to patch in.</summary>
    public ulong NewValue;
    /// <summary>The relocation failed softly: the instruction becomes an invalid call the verifier reports if reached.</summary>
    public bool Poison;
    /// <summary>Whether <see cref="OriginalValue"/> must equal the instruction's current value.</summary>
    public bool Validate;
    /// <summary>A load/store would need a size change that does not preserve the value (poisons LDX/ST/STX).</summary>
    public bool FailMemorySizeAdjust;
    /// <summary>Local field (element) size for load/store size adjustment (0 when not applicable).</summary>
    public uint OriginalSize;
    /// <summary>Target field (element) size.</summary>
    public uint NewSize;
    /// <summary>Local field type id behind <see cref="OriginalSize"/>.</summary>
    public uint OriginalTypeId;
    /// <summary>Target field type id behind <see cref="NewSize"/>.</summary>
    public uint NewTypeId;
}
