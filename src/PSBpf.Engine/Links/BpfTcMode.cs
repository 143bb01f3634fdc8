namespace PSBpf.Engine;

/// <summary>How sched_cls programs go onto an interface.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfTcMode : ulong
{
    /// <summary>tcx links where the kernel has them (6.6+), else classic tc.</summary>
    Auto = 0,
    /// <summary>tcx links only (BPF_LINK_CREATE).</summary>
    Tcx = 1,
    /// <summary>Classic tc: a clsact qdisc and a cls_bpf filter in direct-action mode, over rtnetlink.</summary>
    Classic = 2,
}
