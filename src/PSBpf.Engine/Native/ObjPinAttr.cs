using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_OBJ_PIN and BPF_OBJ_GET.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ObjPinAttr
{
    public ulong pathname;
    public uint bpf_fd;
    public uint file_flags;
}
