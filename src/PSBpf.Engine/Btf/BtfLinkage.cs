namespace PSBpf.Engine.Btf;

/// <summary>Linkage of a FUNC (BTF_FUNC_*) or VAR (BTF_VAR_*).</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BtfLinkage : ulong
{
    /// <summary>static (BTF_FUNC_STATIC / BTF_VAR_STATIC).</summary>
    Static = 0,
    /// <summary>global (BTF_FUNC_GLOBAL / BTF_VAR_GLOBAL_ALLOCATED).</summary>
    Global = 1,
    /// <summary>extern (BTF_FUNC_EXTERN / BTF_VAR_GLOBAL_EXTERN).</summary>
    Extern = 2,
}
