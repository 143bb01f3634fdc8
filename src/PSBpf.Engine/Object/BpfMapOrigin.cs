namespace PSBpf.Engine;

/// <summary>Where a map definition came from.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfMapOrigin : ulong
{
    /// <summary>A BTF-defined map in SEC(".maps").</summary>
    Btf,
    /// <summary>A legacy struct bpf_map_def (or iproute2 bpf_elf_map) in SEC("maps").</summary>
    Legacy,
    /// <summary>A global-data section: .data, .bss, .rodata and their .data.*/.rodata.*/.bss.* variants.</summary>
    Data,
    /// <summary>The .kconfig extern map.</summary>
    Kconfig,
    /// <summary>The inner-map template of a map-in-map.</summary>
    InnerTemplate,
    /// <summary>A struct_ops variable in SEC(".struct_ops") or SEC(".struct_ops.link").</summary>
    StructOps,
}
