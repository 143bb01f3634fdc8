namespace PSBpf.Engine.Btf;

/// <summary>BTF_KIND_* values from the kernel's uapi btf.h.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BtfKind : ulong
{
    /// <summary>Void (type id 0 only).</summary>
    Void = 0,
    /// <summary>BTF_KIND_INT.</summary>
    Int = 1,
    /// <summary>BTF_KIND_PTR.</summary>
    Pointer = 2,
    /// <summary>BTF_KIND_ARRAY.</summary>
    Array = 3,
    /// <summary>BTF_KIND_STRUCT.</summary>
    Struct = 4,
    /// <summary>BTF_KIND_UNION.</summary>
    Union = 5,
    /// <summary>BTF_KIND_ENUM.</summary>
    Enum = 6,
    /// <summary>BTF_KIND_FWD.</summary>
    Forward = 7,
    /// <summary>BTF_KIND_TYPEDEF.</summary>
    Typedef = 8,
    /// <summary>BTF_KIND_VOLATILE.</summary>
    Volatile = 9,
    /// <summary>BTF_KIND_CONST.</summary>
    Const = 10,
    /// <summary>BTF_KIND_RESTRICT.</summary>
    Restrict = 11,
    /// <summary>BTF_KIND_FUNC.</summary>
    Func = 12,
    /// <summary>BTF_KIND_FUNC_PROTO.</summary>
    FuncProto = 13,
    /// <summary>BTF_KIND_VAR.</summary>
    Var = 14,
    /// <summary>BTF_KIND_DATASEC.</summary>
    Datasec = 15,
    /// <summary>BTF_KIND_FLOAT.</summary>
    Float = 16,
    /// <summary>BTF_KIND_DECL_TAG.</summary>
    DeclTag = 17,
    /// <summary>BTF_KIND_TYPE_TAG.</summary>
    TypeTag = 18,
    /// <summary>BTF_KIND_ENUM64.</summary>
    Enum64 = 19,
}
