namespace PSBpf.Engine;

/// <summary>How a .kconfig extern's value is encoded (libbpf's kcfg_type).</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfKconfigType : ulong
{
    /// <summary>Not a .kconfig extern.</summary>
    None,
    /// <summary>bool (1 byte).</summary>
    Bool,
    /// <summary>char (1 byte): y/n/m as characters.</summary>
    Char,
    /// <summary>enum libbpf_tristate.</summary>
    Tristate,
    /// <summary>Integer of 1, 2, 4 or 8 bytes.</summary>
    Int,
    /// <summary>char array holding a string value.</summary>
    CharArray,
}
