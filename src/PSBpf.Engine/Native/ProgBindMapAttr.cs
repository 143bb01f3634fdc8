using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_PROG_BIND_MAP.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProgBindMapAttr
{
    public uint prog_fd;
    public uint map_fd;
    public uint flags;
}
