using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_LINK_CREATE (the target-specific union is kept as raw words).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LinkCreateAttr
{
    public uint prog_fd;
    public uint target_fd;
    public uint attach_type;
    public uint flags;
    public ulong union0;
    public ulong union1;
    public ulong union2;
    public ulong union3;
    public ulong union4;
    public ulong union5;
}
