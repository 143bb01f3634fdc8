namespace PSBpf.Engine;

/// <summary>The names of program return values, per program type, as the uapi headers spell them.</summary>
internal static class BpfReturnActions
{
    private static readonly string[] Xdp = ["XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"];
    private static readonly string[] Tc =
        ["TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE", "TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP"];

    /// <summary>The name of <paramref name="value"/> for programs of <paramref name="type"/>, or null.</summary>
    public static string? Name(BpfProgramType type, uint value) => type switch
    {
        BpfProgramType.xdp => value < Xdp.Length ? Xdp[value] : null,
        // TC_ACT_UNSPEC is -1, which the kernel reports as an unsigned value
        BpfProgramType.sched_cls or BpfProgramType.sched_act => value == uint.MaxValue ? "TC_ACT_UNSPEC" : value < Tc.Length ? Tc[value] : null,
        BpfProgramType.sk_lookup or BpfProgramType.sk_reuseport => value switch { 0 => "SK_DROP", 1 => "SK_PASS", _ => null },
        BpfProgramType.netfilter => value switch { 0 => "NF_DROP", 1 => "NF_ACCEPT", _ => null },
        BpfProgramType.flow_dissector or BpfProgramType.lwt_in or BpfProgramType.lwt_out or BpfProgramType.lwt_xmit or BpfProgramType.lwt_seg6local => value switch
        {
            0 => "BPF_OK",
            2 => "BPF_DROP",
            7 => "BPF_REDIRECT",
            128 => "BPF_LWT_REROUTE",
            129 => "BPF_FLOW_DISSECTOR_CONTINUE",
            _ => null,
        },
        _ => null,
    };
}
