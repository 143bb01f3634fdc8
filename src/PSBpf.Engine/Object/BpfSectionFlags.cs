namespace PSBpf.Engine;

/// <summary>What a section-name definition implies for loading and attaching (libbpf's SEC_* cookie bits).</summary>
[Flags]
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfSectionFlags : ulong
{
    /// <summary>Nothing special.</summary>
    None = 0,
    /// <summary>The expected attach type may be dropped on kernels that do not know it (SEC_EXP_ATTACH_OPT).</summary>
    ExpectedAttachTypeOptional = 1,
    /// <summary>Attached with BPF_PROG_ATTACH/BPF_LINK_CREATE using the expected attach type (SEC_ATTACHABLE).</summary>
    Attachable = 2,
    /// <summary>The load needs a BTF id of the attach target named after the '/' (SEC_ATTACH_BTF).</summary>
    AttachBtf = 4,
    /// <summary>Loaded with BPF_F_SLEEPABLE (SEC_SLEEPABLE).</summary>
    Sleepable = 8,
    /// <summary>XDP program loaded with BPF_F_XDP_HAS_FRAGS (SEC_XDP_FRAGS).</summary>
    XdpFrags = 16,
    /// <summary>USDT probe (SEC_USDT).</summary>
    Usdt = 32,
}
