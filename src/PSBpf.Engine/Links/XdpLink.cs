using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>An XDP program on a network interface, held by a BPF_LINK_CREATE link (BPF_XDP).</summary>
public sealed class XdpLink : BpfLink
{
    private XdpLink(BpfProgram program, BpfFd link, string iface, uint ifindex, BpfXdpMode mode)
        : base(program, link, $"xdp {iface}{(mode == BpfXdpMode.Default ? string.Empty : " (" + mode.ToString().ToLowerInvariant() + ")")}")
    {
        Interface = iface;
        InterfaceIndex = ifindex;
        Mode = mode;
    }

    /// <inheritdoc />
    public override string Kind => "xdp";
    /// <summary>Interface name.</summary>
    public string Interface { get; }
    /// <summary>Interface index in this network namespace.</summary>
    public uint InterfaceIndex { get; }
    /// <summary>Requested XDP mode.</summary>
    public BpfXdpMode Mode { get; }

    /// <summary>Attaches an XDP program to interface <paramref name="iface"/> in <paramref name="mode"/> with a BPF link.</summary>
    /// <exception cref="ArgumentException">The program is not a Xdp program (see <see cref="BpfAttachKinds.Xdp"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static XdpLink Attach(BpfProgram program, string iface, BpfXdpMode mode)
    {
        BpfAttachKinds.Xdp.Require(program);
        var fd = program.LoadedFd();
        uint ifindex = NetworkInterface.Index(iface);
        var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = ifindex, attach_type = (uint)BpfAttachType.xdp, flags = (uint)mode };
        return new XdpLink(program, Bpf.LinkCreate(ref attr, $"program '{program.Name}' (xdp) on {iface}"), iface, ifindex, mode);
    }
}
