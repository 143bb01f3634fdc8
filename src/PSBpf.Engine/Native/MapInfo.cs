using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>struct bpf_map_info.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MapInfo
{
    public uint type;
    public uint id;
    public uint key_size;
    public uint value_size;
    public uint max_entries;
    public uint map_flags;
    public fixed byte name[16];
    public uint ifindex;
    public uint btf_vmlinux_value_type_id;
    public ulong netns_dev;
    public ulong netns_ino;
    public uint btf_id;
    public uint btf_key_type_id;
    public uint btf_value_type_id;
    public uint btf_vmlinux_id;
    public ulong map_extra;
}
