using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_ENABLE_STATS (struct enable_stats).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EnableStatsAttr
{
    /// <summary>enum bpf_stats_type; BPF_STATS_RUN_TIME (0) is the only one.</summary>
    public uint type;
}
