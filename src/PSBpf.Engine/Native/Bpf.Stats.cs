namespace PSBpf.Engine.Native;

/// <summary>BPF_ENABLE_STATS: run-time statistics (run_cnt, run_time_ns) for every program while the returned fd is open.</summary>
internal static partial class Bpf
{
    /// <summary>enum bpf_stats_type: BPF_STATS_RUN_TIME.</summary>
    public const uint BPF_STATS_RUN_TIME = 0;

    /// <summary>
    /// BPF_ENABLE_STATS(<paramref name="type"/>): the kernel counts runs and run time while the returned fd is open.
    /// The kernel counts holders, so closing it turns statistics off only if no one else (another fd, the
    /// kernel.bpf_stats_enabled sysctl) holds them.
    /// </summary>
    public static BpfFd EnableStats(uint type)
    {
        var attr = new EnableStatsAttr { type = type };
        return new BpfFd(Call(BpfCommand.EnableStats, ref attr, "BPF_ENABLE_STATS (BPF_STATS_RUN_TIME)"));
    }
}
