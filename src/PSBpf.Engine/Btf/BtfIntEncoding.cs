namespace PSBpf.Engine.Btf;

/// <summary>BTF_INT_* encoding bits of an INT type.</summary>
[Flags]
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BtfIntEncoding : ulong
{
    /// <summary>Unsigned, no special meaning.</summary>
    None = 0,
    /// <summary>BTF_INT_SIGNED.</summary>
    Signed = 1,
    /// <summary>BTF_INT_CHAR.</summary>
    Char = 2,
    /// <summary>BTF_INT_BOOL.</summary>
    Bool = 4,
}
