using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_RAW_TRACEPOINT_OPEN (raw_tracepoint: name, prog_fd, cookie).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawTracepointOpenAttr
{
    public ulong name;
    public uint prog_fd;
    public uint pad;
    public ulong cookie;
}
