namespace PSBpf.Engine;

/// <summary>How sched_cls programs go onto an interface.</summary>
public enum BpfTcMode
{
    /// <summary>tcx links where the kernel has them (6.6+), else classic tc.</summary>
    Auto = 0,
    /// <summary>tcx links only (BPF_LINK_CREATE).</summary>
    Tcx = 1,
    /// <summary>Classic tc: a clsact qdisc and a cls_bpf filter in direct-action mode, over rtnetlink.</summary>
    Classic = 2,
}
