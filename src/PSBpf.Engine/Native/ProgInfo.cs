using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>struct bpf_prog_info (the fields up to attach_btf_id).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ProgInfo
{
    public uint type;
    public uint id;
    public fixed byte tag[8];
    public uint jited_prog_len;
    public uint xlated_prog_len;
    public ulong jited_prog_insns;
    public ulong xlated_prog_insns;
    public ulong load_time;
    public uint created_by_uid;
    public uint nr_map_ids;
    public ulong map_ids;
    public fixed byte name[16];
    public uint ifindex;
    public uint gpl_compatible;
    public ulong netns_dev;
    public ulong netns_ino;
    public uint nr_jited_ksyms;
    public uint nr_jited_func_lens;
    public ulong jited_ksyms;
    public ulong jited_func_lens;
    public uint btf_id;
    public uint func_info_rec_size;
    public ulong func_info;
    public uint nr_func_info;
    public uint nr_line_info;
    public ulong line_info;
    public ulong jited_line_info;
    public uint nr_jited_line_info;
    public uint line_info_rec_size;
    public uint jited_line_info_rec_size;
    public uint nr_prog_tags;
    public ulong prog_tags;
    public ulong run_time_ns;
    public ulong run_cnt;
    public ulong recursion_misses;
    public uint verified_insns;
    public uint attach_btf_obj_id;
    public uint attach_btf_id;
}
