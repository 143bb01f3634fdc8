using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// What a struct_ops map carries besides its definition: the struct as the object declares it (its bytes, and which
/// program each function-pointer member names) and, once a load has matched it with the kernel's type, the
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

    /// <summary>
    /// The map value the kernel takes (bpf_struct_ops_&lt;name&gt;, program fds written in), set when a load succeeds;
    /// null before. The load works out the rest of the kernel's side in its own copy (Loader/StructOpsBinding).
    /// </summary>
    public byte[]? KernelValue { get; set; }

    /// <summary>
    /// <see cref="Programs"/> as the successful load registered them: members the kernel's struct lacks are left out
    /// (libbpf drops their programs). Null before a load.
    /// </summary>
    public BpfProgram?[]? KernelPrograms { get; set; }
}
