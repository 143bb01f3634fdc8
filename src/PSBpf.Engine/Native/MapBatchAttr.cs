using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_MAP_*_BATCH.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MapBatchAttr
{
    public ulong in_batch;
    public ulong out_batch;
    public ulong keys;
    public ulong values;
    public uint count;
    public uint map_fd;
    public ulong elem_flags;
    public ulong flags;
}
