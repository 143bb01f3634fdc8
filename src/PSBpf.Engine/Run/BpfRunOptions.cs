namespace PSBpf.Engine;

/// <summary>
/// Input of one <see cref="BpfProgram.Run(BpfRunOptions, Btf.BtfValueFactory?)"/> (BPF_PROG_TEST_RUN, as
/// <c>bpftool prog run</c> and libbpf's <c>bpf_prog_test_run_opts</c>): the packet, the context and how often to run.
/// </summary>
public sealed class BpfRunOptions
{
    /// <summary>
    /// The packet (xdp, tc, socket filters, cgroup_skb, lwt, flow_dissector, netfilter): an Ethernet frame for the
    /// types that see one. Null for the types that take no data (raw_tp, syscall, sk_lookup).
    /// </summary>
    public byte[]? Data { get; set; }

    /// <summary>
    /// The context: raw bytes; for raw_tp the program's arguments as numbers (each a u64); or a record (a dictionary of
    /// member names) encoded through the context's BTF type: <c>struct __sk_buff</c> for the skb types, <c>struct
    /// xdp_md</c> for xdp, <c>struct bpf_flow_keys</c> for flow_dissector, <c>struct bpf_sk_lookup</c> for sk_lookup
    /// (from the kernel's BTF), and the type of its first argument for a syscall program (from the object's BTF).
    /// </summary>
    public object? Context { get; set; }

    /// <summary>How many times the kernel runs the program (the result's duration is the mean); 1 by default. raw_tp
    /// and syscall programs, which the kernel runs once per call, accept only 1.</summary>
    public uint Repeat { get; set; } = 1;

    /// <summary>Bytes kept for the output packet; by default the input's size plus 4 KiB of room to grow, at least 64 KiB.</summary>
    public int? DataOutSize { get; set; }

    /// <summary>raw_tp only: the CPU to run the program on (BPF_F_TEST_RUN_ON_CPU); by default the current one.</summary>
    public uint? Cpu { get; set; }
}
