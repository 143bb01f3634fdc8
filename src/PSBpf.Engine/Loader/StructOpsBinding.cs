namespace PSBpf.Engine.Loader;

/// <summary>A struct_ops map matched with the kernel's struct for one load (libbpf's kern_vdata and its bookkeeping).</summary>
internal sealed class StructOpsBinding
{
    public StructOpsBinding(BpfProgram?[] programs) => Programs = programs;

    /// <summary>Program per member, members the kernel lacks left out (their programs are then not loaded for this map).</summary>
    public BpfProgram?[] Programs { get; }
    /// <summary>Kernel BTF id of the struct (e.g. tcp_congestion_ops).</summary>
    public uint KernelTypeId { get; init; }
    /// <summary>Kernel BTF id of the map value type (bpf_struct_ops_&lt;name&gt;).</summary>
    public uint KernelValueTypeId { get; init; }
    /// <summary>The value image the kernel takes; program fds are written in after the programs load.</summary>
    public required byte[] KernelValue { get; init; }
    /// <summary>The kernel module whose BTF defines the struct, or null for vmlinux.</summary>
    public ModuleBtf? KernelModule { get; init; }
    /// <summary>Offset in <see cref="KernelValue"/> of each member's function pointer (-1 for non-program members).</summary>
    public required int[] KernelFunctionOffsets { get; init; }
}
