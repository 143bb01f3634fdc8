namespace PSBpf.Engine;

/// <summary>What an ELF relocation against a program instruction refers to (libbpf's RELO_* kinds).</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfRelocationKind : ulong
{
    /// <summary>ld_imm64 of a map from .maps or a legacy maps section (RELO_LD64).</summary>
    MapReference,
    /// <summary>ld_imm64 of a global variable: map value address plus offset (RELO_DATA).</summary>
    Data,
    /// <summary>bpf-to-bpf call into .text (RELO_CALL).</summary>
    Call,
    /// <summary>ld_imm64 of a subprogram address, used for callbacks (RELO_SUBPROG_ADDR).</summary>
    SubprogramAddress,
    /// <summary>ld_imm64 of a .kconfig or .ksyms extern (RELO_EXTERN_LD64).</summary>
    ExternLoad,
    /// <summary>call of a kfunc extern (RELO_EXTERN_CALL).</summary>
    ExternCall,
    /// <summary>ld_imm64 of an __arena global: arena map plus offset.</summary>
    ArenaData,
}
