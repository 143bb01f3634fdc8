using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_BTF_LOAD.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BtfLoadAttr
{
    public ulong btf;
    public ulong btf_log_buf;
    public uint btf_size;
    public uint btf_log_size;
    public uint btf_log_level;
    public uint btf_log_true_size;
}
