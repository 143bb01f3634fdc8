using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_PROG_LOAD.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ProgLoadAttr
{
    public uint prog_type;
    public uint insn_cnt;
    public ulong insns;
    public ulong license;
    public uint log_level;
    public uint log_size;
    public ulong log_buf;
    public uint kern_version;
    public uint prog_flags;
    public fixed byte prog_name[16];
    public uint prog_ifindex;
    public uint expected_attach_type;
    public uint prog_btf_fd;
    public uint func_info_rec_size;
    public ulong func_info;
    public uint func_info_cnt;
    public uint line_info_rec_size;
    public ulong line_info;
    public uint line_info_cnt;
    public uint attach_btf_id;
    public uint attach_btf_obj_fd;
    public uint core_relo_cnt;
    public ulong fd_array;
    public ulong core_relos;
    public uint core_relo_rec_size;
    public uint log_true_size;
}
