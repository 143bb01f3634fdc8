namespace PSBpf.Engine.Btf;

/// <summary>bpf_core_relo_kind values.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BtfCoreRelocationKind : ulong
{
    /// <summary>BPF_CORE_FIELD_BYTE_OFFSET.</summary>
    FieldByteOffset = 0,
    /// <summary>BPF_CORE_FIELD_BYTE_SIZE.</summary>
    FieldByteSize = 1,
    /// <summary>BPF_CORE_FIELD_EXISTS.</summary>
    FieldExists = 2,
    /// <summary>BPF_CORE_FIELD_SIGNED.</summary>
    FieldSigned = 3,
    /// <summary>BPF_CORE_FIELD_LSHIFT_U64.</summary>
    FieldLShiftU64 = 4,
    /// <summary>BPF_CORE_FIELD_RSHIFT_U64.</summary>
    FieldRShiftU64 = 5,
    /// <summary>BPF_CORE_TYPE_ID_LOCAL.</summary>
    TypeIdLocal = 6,
    /// <summary>BPF_CORE_TYPE_ID_TARGET.</summary>
    TypeIdTarget = 7,
    /// <summary>BPF_CORE_TYPE_EXISTS.</summary>
    TypeExists = 8,
    /// <summary>BPF_CORE_TYPE_SIZE.</summary>
    TypeSize = 9,
    /// <summary>BPF_CORE_ENUMVAL_EXISTS.</summary>
    EnumValueExists = 10,
    /// <summary>BPF_CORE_ENUMVAL_VALUE.</summary>
    EnumValue = 11,
    /// <summary>BPF_CORE_TYPE_MATCHES.</summary>
    TypeMatches = 12,
}
