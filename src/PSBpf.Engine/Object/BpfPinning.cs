namespace PSBpf.Engine;

/// <summary>The `pinning` attribute of a BTF-defined map (libbpf_pin_type).</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfPinning : ulong
{
    /// <summary>LIBBPF_PIN_NONE.</summary>
    None = 0,
    /// <summary>LIBBPF_PIN_BY_NAME: pinned as &lt;pin root&gt;/&lt;map name&gt;.</summary>
    ByName = 1,
}
