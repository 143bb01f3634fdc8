using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// What a struct_ops map carries besides its definition: the struct as the object declares it (its bytes, and which
/// program each function-pointer member names) and, once the load has matched it with the kernel's type, the
/// kernel's value image that registering the map writes.
/// </summary>
internal sealed class BpfStructOps
{
    public BpfStructOps(BtfComposite type, byte[] data)
    {
        Type = type;
        Data = data;
        Programs = new BpfProgram?[type.Members.Count];
    }

    /// <summary>The object's struct type (e.g. tcp_congestion_ops).</summary>
    public BtfComposite Type { get; }

    /// <summary>The variable's bytes from the section, function pointers zeroed.</summary>
    public byte[] Data { get; }

    /// <summary>Program per member of <see cref="Type"/> (null for members that are not set to a program).</summary>
    public BpfProgram?[] Programs { get; }

    /// <summary>Kernel BTF id of the struct (e.g. tcp_congestion_ops), set at load.</summary>
    public uint KernelTypeId { get; set; }

    /// <summary>Kernel BTF id of the map value type (bpf_struct_ops_&lt;name&gt;), set at load.</summary>
    public uint KernelValueTypeId { get; set; }

    /// <summary>The map value the kernel takes (bpf_struct_ops_&lt;name&gt;), set at load; program fds are written in after the programs load.</summary>
    public byte[]? KernelValue { get; set; }

    /// <summary>The kernel module whose BTF defines the struct, or null for vmlinux.</summary>
    public Loader.ModuleBtf? KernelModule { get; set; }

    /// <summary>Offset in <see cref="KernelValue"/> of each member's function pointer (-1 for non-program members).</summary>
    public int[] KernelFunctionOffsets { get; set; } = [];
}
