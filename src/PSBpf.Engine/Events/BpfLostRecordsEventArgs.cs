namespace PSBpf.Engine;

/// <summary>The kernel dropped records of a perf buffer because its per-CPU ring was full (PERF_RECORD_LOST).</summary>
public sealed class BpfLostRecordsEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public BpfLostRecordsEventArgs(int cpu, ulong count)
    {
        Cpu = cpu;
        Count = count;
    }

    /// <summary>CPU whose ring overflowed.</summary>
    public int Cpu { get; }

    /// <summary>How many records were dropped.</summary>
    public ulong Count { get; }
}
