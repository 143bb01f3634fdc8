namespace PSBpf.Engine.Native;

/// <summary>What BPF_PROG_QUERY reported for one hook: programs in run order, with link ids where the kernel gives them.</summary>
internal sealed class ProgQueryResult
{
    /// <summary>The hook's attach_flags (cgroups: BPF_F_ALLOW_OVERRIDE / BPF_F_ALLOW_MULTI).</summary>
    public uint AttachFlags { get; init; }
    /// <summary>Program ids in the order they run.</summary>
    public uint[] ProgramIds { get; init; } = [];
    /// <summary>Per-program attach flags (cgroups, kernel 6.0+); zeros where the kernel does not fill them.</summary>
    public uint[] ProgramAttachFlags { get; init; } = [];
    /// <summary>The link id of each program (tcx, netkit; 0 for a program attached without a link or where not reported).</summary>
    public uint[] LinkIds { get; init; } = [];
    /// <summary>The hook's revision (tcx, netkit, mprog cgroups); 0 where the kernel has none.</summary>
    public ulong Revision { get; init; }
}
