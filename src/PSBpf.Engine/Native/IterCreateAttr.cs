using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_ITER_CREATE (iter_create: link_fd, flags).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IterCreateAttr
{
    public uint link_fd;
    public uint flags;
}
