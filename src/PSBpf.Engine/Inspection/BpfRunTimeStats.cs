using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Run-time statistics switched on for as long as this object lives (BPF_ENABLE_STATS with BPF_STATS_RUN_TIME): while
/// it is open the kernel adds every program run to that program's run_cnt and its duration to run_time_ns. The kernel
/// counts holders, so disposing it turns statistics off again unless someone else (another holder, or the
/// kernel.bpf_stats_enabled sysctl) still wants them. Timing every run costs a little on each run of every program,
/// which is why statistics are off by default.
/// </summary>
public sealed class BpfRunTimeStats : IDisposable
{
    private readonly BpfFd _fd;

    private BpfRunTimeStats(BpfFd fd) => _fd = fd;

    /// <summary>Turns run-time statistics on until the result is disposed. Needs CAP_SYS_ADMIN.</summary>
    /// <exception cref="BpfSyscallException">The kernel refused (EPERM without privileges, EINVAL before Linux 5.8).</exception>
    public static BpfRunTimeStats Enable() => new(Bpf.EnableStats(Bpf.BPF_STATS_RUN_TIME));

    /// <summary>True until disposed.</summary>
    public bool IsEnabled => !_fd.IsClosed;

    /// <summary>Closes the statistics fd: this holder no longer keeps statistics on.</summary>
    public void Dispose() => _fd.Dispose();
}
