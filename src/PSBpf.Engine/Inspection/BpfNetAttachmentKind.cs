namespace PSBpf.Engine;

/// <summary>How a program is attached to an interface or a network namespace (Get-BpfNetAttachment).</summary>
/// <remarks>Member names are bpftool's section names in <c>bpftool net show</c>.</remarks>
#pragma warning disable CA1707 // bpftool's names contain underscores on purpose
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfNetAttachmentKind : ulong
{
    /// <summary>An XDP program on an interface (netlink or an XDP link).</summary>
    xdp = 0,
    /// <summary>A classic tc filter (cls_bpf) on an interface's clsact qdisc.</summary>
    tc = 1,
    /// <summary>A program in an interface's tcx chain (kernel 6.6+).</summary>
    tcx = 2,
    /// <summary>A program on a netkit device (kernel 6.7+).</summary>
    netkit = 3,
    /// <summary>A flow dissector of a network namespace.</summary>
    flow_dissector = 4,
    /// <summary>An sk_lookup program of a network namespace.</summary>
    sk_lookup = 5,
}
