using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_MAP_CREATE.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MapCreateAttr
{
    public uint map_type;
    public uint key_size;
    public uint value_size;
    public uint max_entries;
    public uint map_flags;
    public uint inner_map_fd;
    public uint numa_node;
    public fixed byte map_name[16];
    public uint map_ifindex;
    public uint btf_fd;
    public uint btf_key_type_id;
    public uint btf_value_type_id;
    public uint btf_vmlinux_value_type_id;
    public ulong map_extra;
    public int value_type_btf_obj_fd;
    public int map_token_fd;
}
