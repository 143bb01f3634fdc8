using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GetIdAttr
{
    /// <summary>start_id / prog_id / map_id / btf_id / link_id (one union in the kernel).</summary>
    public uint start_id;
    public uint next_id;
    public uint open_flags;
    public int fd_by_id_token_fd;
}
