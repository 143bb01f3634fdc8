using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_MAP_*_ELEM and BPF_MAP_GET_NEXT_KEY (value doubles as next_key).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MapElemAttr
{
    public uint map_fd;
    private readonly uint _pad;
    public ulong key;
    public ulong value;
    public ulong flags;
}
