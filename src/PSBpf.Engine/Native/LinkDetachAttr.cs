using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_LINK_DETACH (link_detach: link_fd).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LinkDetachAttr
{
    public uint link_fd;
}
