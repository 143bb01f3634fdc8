using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_OBJ_GET_INFO_BY_FD (info).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ObjInfoAttr
{
    public uint bpf_fd;
    public uint info_len;
    public ulong info;
}
