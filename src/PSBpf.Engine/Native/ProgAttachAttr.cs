using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>bpf_attr for BPF_PROG_ATTACH / BPF_PROG_DETACH (the fields before the 6.6 relative_fd/expected_revision).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProgAttachAttr
{
    /// <summary>BPF_F_ALLOW_MULTI: several programs on one cgroup hook, run in order (what cgroup links give too).</summary>
    public const uint FlagAllowMulti = 2;

    public uint target_fd;
    public uint attach_bpf_fd;
    public uint attach_type;
    public uint attach_flags;
    public uint replace_bpf_fd;
}
