using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>
/// struct bpf_link_info. The per-type union (raw_tracepoint, tracing, cgroup, iter, netns, xdp, struct_ops, netfilter,
/// kprobe_multi, uprobe_multi, perf_event, tcx, netkit, sockmap) is kept as raw bytes and read by offset, because which
/// member is valid depends on <see cref="type"/>; the offsets are those of the uapi header.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LinkInfo
{
    /// <summary>Bytes of the union; its largest members (perf_event, uprobe_multi) are 48 bytes.</summary>
    public const int UnionSize = 48;

    public uint type;
    public uint id;
    public uint prog_id;
    private readonly uint _pad; // the union is 8-byte aligned
    public fixed byte union[UnionSize];

    public uint U32(int offset)
    {
        fixed (byte* p = union) return *(uint*)(p + offset); // host byte order, as the kernel wrote it
    }

    public ulong U64(int offset)
    {
        fixed (byte* p = union) return *(ulong*)(p + offset);
    }

    public void SetU32(int offset, uint value)
    {
        fixed (byte* p = union) *(uint*)(p + offset) = value;
    }

    public void SetU64(int offset, ulong value)
    {
        fixed (byte* p = union) *(ulong*)(p + offset) = value;
    }
}
