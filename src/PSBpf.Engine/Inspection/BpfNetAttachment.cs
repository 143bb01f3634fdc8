using System.Globalization;

namespace PSBpf.Engine;

/// <summary>
/// One program attached to a network interface or namespace, as <c>bpftool net show</c> lists them: XDP, classic tc,
/// tcx and netkit per interface, flow dissector and sk_lookup per namespace. Plain data; which members are set depends
/// on <see cref="Kind"/>.
/// </summary>
public sealed record BpfNetAttachment
{
    /// <summary>What kind of attachment this is.</summary>
    public BpfNetAttachmentKind Kind { get; init; }
    /// <summary>The network namespace as it was named (an `ip netns` name or a path); null for the caller's own.</summary>
    public string? NetworkNamespace { get; init; }
    /// <summary>The namespace's inode number (as `bpftool link show` reports netns_ino and /run/netns files have).</summary>
    public ulong NetnsInode { get; init; }
    /// <summary>Interface name; null for namespace-wide attachments (flow_dissector, sk_lookup).</summary>
    public string? Interface { get; init; }
    /// <summary>Interface index in its namespace; null for namespace-wide attachments.</summary>
    public uint? InterfaceIndex { get; init; }
    /// <summary>The hook: xdp, tcx_ingress/tcx_egress (also for classic tc's ingress and egress), netkit_primary/netkit_peer, flow_dissector, sk_lookup.</summary>
    public BpfAttachType AttachType { get; init; }
    /// <summary>ingress or egress (tc, tcx), primary or peer (netkit); null otherwise.</summary>
    public string? Direction { get; init; }
    /// <summary>XDP: where the program runs (Driver, Generic or Offload), as `bpftool net show` reports "mode".</summary>
    public BpfXdpMode? XdpMode { get; init; }
    /// <summary>tc: the filter's priority ("pref").</summary>
    public ushort? Priority { get; init; }
    /// <summary>tc: the filter's handle.</summary>
    public uint? Handle { get; init; }
    /// <summary>tc: the filter's name (TCA_BPF_NAME; bpftool's "name", e.g. "prog.bpf.o:[tc]").</summary>
    public string? FilterName { get; init; }
    /// <summary>tc: true for direct-action filters (the program's return value is the tc action).</summary>
    public bool? DirectAction { get; init; }
    /// <summary>tcx, netkit, tc, sk_lookup: the program's place among those on the same hook, 0 first (the order they run in; tc: the order of the kernel's dump, by priority).</summary>
    public int? Order { get; init; }
    /// <summary>tcx, netkit: the hook's revision (it changes with every attach and detach there).</summary>
    public ulong? Revision { get; init; }
    /// <summary>The attached program's kernel id.</summary>
    public uint ProgramId { get; init; }
    /// <summary>The attached program's name (empty when it went away while listing).</summary>
    public string ProgramName { get; init; } = string.Empty;
    /// <summary>The BPF link that holds the attachment; null when there is none (netlink XDP, tc filters, BPF_PROG_ATTACH).</summary>
    public uint? LinkId { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        string where = Interface is null ? $"netns {NetnsInode.ToString(CultureInfo.InvariantCulture)}" : $"{Interface}({InterfaceIndex?.ToString(CultureInfo.InvariantCulture)})";
        string detail = Kind switch
        {
            BpfNetAttachmentKind.xdp => $" {XdpMode?.ToString().ToLowerInvariant()}",
            BpfNetAttachmentKind.tc => $" {Direction} pref {Priority?.ToString(CultureInfo.InvariantCulture)} handle 0x{Handle?.ToString("x", CultureInfo.InvariantCulture)}",
            BpfNetAttachmentKind.tcx or BpfNetAttachmentKind.netkit => $" {Direction}",
            _ => string.Empty,
        };
        return $"{Kind} {where}{detail} prog {ProgramId.ToString(CultureInfo.InvariantCulture)}";
    }
}
