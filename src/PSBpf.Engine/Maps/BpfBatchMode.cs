namespace PSBpf.Engine;

/// <summary>How a batch operation reaches the kernel.</summary>
public enum BpfBatchMode
{
    /// <summary>BPF_MAP_*_BATCH where the kernel has it for the map type, one syscall per element otherwise.</summary>
    Auto,
    /// <summary>Always one syscall per element (what the fallback does; also a way to compare the two).</summary>
    PerElement,
}
