namespace PSBpf.Engine;

/// <summary>enum __bpf_usdt_arg_type of <c>&lt;bpf/usdt.bpf.h&gt;</c>.</summary>
internal enum UsdtArgumentKind : uint
{
    /// <summary>BPF_USDT_ARG_CONST: the value is in val_off.</summary>
    Constant = 0,
    /// <summary>BPF_USDT_ARG_REG: the value is the register at reg_off of struct pt_regs.</summary>
    Register = 1,
    /// <summary>BPF_USDT_ARG_REG_DEREF: the value is in user memory at that register plus val_off.</summary>
    RegisterDeref = 2,
}
