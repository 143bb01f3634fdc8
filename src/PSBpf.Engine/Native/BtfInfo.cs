using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>struct bpf_btf_info.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BtfInfo
{
    public ulong btf;
    public uint btf_size;
    public uint id;
    public ulong name;
    public uint name_len;
    public uint kernel_btf;
}
