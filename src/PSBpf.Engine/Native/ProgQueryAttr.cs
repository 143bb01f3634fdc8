using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>
/// bpf_attr for BPF_PROG_QUERY (the query member, uapi 6.6+): what is attached to a cgroup, netns or interface hook.
/// Older kernels read the fields up to prog_cnt (cgroups: prog_attach_flags since 6.0) and leave the rest alone.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProgQueryAttr
{
    /// <summary>BPF_F_QUERY_EFFECTIVE: a cgroup's effective programs (its own and those inherited from ancestors).</summary>
    public const uint FlagQueryEffective = 1;
    /// <summary>BPF_F_ALLOW_OVERRIDE (in attach_flags).</summary>
    public const uint FlagAllowOverride = 1;
    /// <summary>BPF_F_ALLOW_MULTI (in attach_flags).</summary>
    public const uint FlagAllowMulti = 2;

    public uint target_fd;         // union with target_ifindex
    public uint attach_type;
    public uint query_flags;
    public uint attach_flags;
    public ulong prog_ids;
    public uint prog_cnt;          // union with count
    private readonly uint _pad;
    public ulong prog_attach_flags;
    public ulong link_ids;
    public ulong link_attach_flags;
    public ulong revision;
}
