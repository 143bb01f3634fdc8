namespace PSBpf.Engine;

/// <summary>Options for <see cref="BpfObject.Load(BpfLoadOptions?)"/>.</summary>
public sealed record BpfLoadOptions
{
    /// <summary>Directory (on a bpffs mount) where maps with pinning = LIBBPF_PIN_BY_NAME are pinned. Default /sys/fs/bpf.</summary>
    public string PinRoot { get; init; } = "/sys/fs/bpf";

    /// <summary>
    /// Verifier log level for successful loads (0 = no log unless the load fails, 1 = log, 2 = verbose, 4 = statistics).
    /// A failed load is always retried with level 1 to capture the log.
    /// </summary>
    public uint LogLevel { get; init; }

    /// <summary>Kernel BTF to relocate CO-RE programs against. Default /sys/kernel/btf/vmlinux.</summary>
    public string KernelBtfPath { get; init; } = RunningKernelBtf;

    /// <summary>The running kernel's BTF; only with it are kernel modules' BTF searched too.</summary>
    public const string RunningKernelBtf = "/sys/kernel/btf/vmlinux";

    /// <summary>
    /// BTF kinds to assume the kernel supports, instead of probing it (tests use this to exercise sanitisation);
    /// null probes the running kernel.
    /// </summary>
    public Btf.BtfFeatures? BtfFeatures { get; init; }

    /// <summary>Called before each map is created and each program is loaded.</summary>
    public Action<BpfLoadProgress>? Progress { get; init; }

    /// <summary>Receives progress messages (maps created, programs loaded, verifier logs at LogLevel &gt; 0).</summary>
    public Action<string>? Log { get; init; }
}
