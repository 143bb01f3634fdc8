using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An lwt program on a route: the route is created with a BPF encap (`ip route add PREFIX encap bpf in|out|xmit ...
/// dev IF`) or, for lwt_seg6local, an SRv6 End.BPF action (`ip -6 route add PREFIX encap seg6local action End.BPF
/// ...`). libbpf has no attach for these types; the route is the attachment. Not a kernel link: the attachment holds
/// the netlink socket of the route's namespace and deletes the route it made on detach. The kernel holds the program
/// while the route exists, so a route left behind by a process that never detached stays until `ip route del`.
/// </summary>
public sealed class LwtRouteLink : BpfLink
{
    private readonly NetlinkSocket _netlink;
    private readonly IPNetwork _route;
    private readonly uint _ifindex;

    private LwtRouteLink(BpfProgram program, NetlinkSocket netlink, IPNetwork route, string iface, uint ifindex, IPAddress? gateway, string hook, string? netns)
        : base(program, netlink.Fd, $"lwt {hook} route {route} dev {iface}{(gateway is null ? "" : $" via {gateway}")}{(netns is null ? "" : $" netns {netns}")}")
    {
        _netlink = netlink;
        _route = route;
        _ifindex = ifindex;
        Route = route.ToString();
        Interface = iface;
        Gateway = gateway?.ToString();
        Hook = hook;
        NetworkNamespace = netns;
    }

    /// <inheritdoc />
    public override string Kind => "lwt";
    /// <summary>The route's prefix, e.g. 10.77.0.0/24 or fc00::1/128.</summary>
    public string Route { get; }
    /// <summary>The route's output interface.</summary>
    public string Interface { get; }
    /// <summary>The route's gateway, or null for a route straight onto the link.</summary>
    public string? Gateway { get; }
    /// <summary>Where on the route the program runs: in, out, xmit (BPF encap) or seg6local (End.BPF).</summary>
    public string Hook { get; }
    /// <summary>The namespace whose main table has the route (a path or an `ip netns` name), or null for the caller's.</summary>
    public string? NetworkNamespace { get; }
    private protected override bool IsKernelLink => false;

    /// <summary>
    /// Creates a route to <paramref name="route"/> (a prefix such as 10.77.0.0/24, or one address) out of
    /// <paramref name="iface"/>, optionally through <paramref name="gateway"/>, in the main table of
    /// <paramref name="netns"/> (null: the caller's namespace), with the program on it where its type says:
    /// lwt_in, lwt_out, lwt_xmit as a BPF encap, lwt_seg6local as an End.BPF action (IPv6 routes only). The route must
    /// not exist yet.
    /// </summary>
    /// <exception cref="ArgumentException">The program is not an lwt program, the prefix or gateway is malformed, or the interface does not exist.</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="BpfSyscallException">The kernel refused the route (EEXIST when it exists already).</exception>
    public static LwtRouteLink Attach(BpfProgram program, string route, string iface, string? gateway = null, string? netns = null)
    {
        BpfAttachKinds.Lwt.Require(program);
        ArgumentException.ThrowIfNullOrEmpty(route);
        ArgumentException.ThrowIfNullOrEmpty(iface);
        var prefix = ParsePrefix(program, route);
        IPAddress? via = null;
        if (gateway is not null && (!IPAddress.TryParse(gateway, out via) || via.AddressFamily != prefix.BaseAddress.AddressFamily))
        {
            throw new ArgumentException($"program '{program.Name}': gateway '{gateway}' is not an {Family(prefix)} address, as route {prefix} needs", nameof(gateway));
        }

        // where the program goes: a BPF encap's in/out/xmit nest, or the End.BPF action's program nest; both hold fd and name
        (string hook, ushort programNest) = program.Type switch
        {
            BpfProgramType.lwt_in => ("in", Rtnetlink.LwtBpfIn),
            BpfProgramType.lwt_out => ("out", Rtnetlink.LwtBpfOut),
            BpfProgramType.lwt_xmit => ("xmit", Rtnetlink.LwtBpfXmit),
            _ => ("seg6local", Rtnetlink.Seg6LocalBpf),
        };
        bool seg6 = hook == "seg6local";
        if (seg6 && prefix.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"program '{program.Name}' (lwt_seg6local) goes on an IPv6 route (an SRv6 segment), not on {prefix}", nameof(route));
        }

        var fd = program.LoadedFd();
        return netns is null ? Create() : Engine.NetworkNamespace.RunInside(netns, Create);

        LwtRouteLink Create()
        {
            // the socket, the interface index and the route all belong to the namespace this runs in
            uint ifindex = NetworkInterface.Index(iface);
            var netlink = NetlinkSocket.Open();
            try
            {
                var m = RouteMessage(Rtnetlink.NewRoute, Rtnetlink.FlagRequest | Rtnetlink.FlagAck | Rtnetlink.FlagCreate | Rtnetlink.FlagExcl, prefix, ifindex, via);
                string name = $"{program.Name}:[{(program.Id ?? 0).ToString(CultureInfo.InvariantCulture)}]";
                m.U16(Rtnetlink.RtaEncapType, seg6 ? Rtnetlink.LwtunnelEncapSeg6Local : Rtnetlink.LwtunnelEncapBpf).BeginNest(Rtnetlink.RtaEncap);
                if (seg6) m.U32(Rtnetlink.Seg6LocalAction, Rtnetlink.Seg6LocalActionEndBpf);
                m.BeginNest(programNest).U32(Rtnetlink.LwtBpfProgFd, (uint)fd.Value).String(Rtnetlink.LwtBpfProgName, name).EndNest()
                    .EndNest();

                string what = $"RTM_NEWROUTE {prefix} dev {iface} with program '{program.Name}' ({program.Type}) on it";
                int r = netlink.TryRequest(m, null, out string? kernelMessage);
                if (r == -Errno.EOPNOTSUPP && seg6)
                {
                    // the kernel knows no seg6local encap: it was built without SRv6 local segments (seg6local.c)
                    kernelMessage = $"{kernelMessage ?? "lwt encapsulation type not supported"}: this kernel has no SRv6 End.BPF routes (CONFIG_IPV6_SEG6_LWTUNNEL and CONFIG_IPV6_SEG6_BPF)";
                }

                if (r < 0) throw new BpfSyscallException(BpfSystemCall.Netlink, what, -r, kernelMessage);
                return new LwtRouteLink(program, netlink, prefix, iface, ifindex, via, hook, netns);
            }
            catch
            {
                netlink.Dispose();
                throw;
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !Fd.IsClosed)
        {
            try
            {
                // by prefix, table and interface: the route this attachment made (ESRCH: someone deleted it already)
                _netlink.TryRequest(RouteMessage(Rtnetlink.DelRoute, Rtnetlink.FlagRequest | Rtnetlink.FlagAck, _route, _ifindex, null), null, out _);
            }
            catch (Exception e) when (e is BpfSyscallException or InvalidDataException)
            {
                // the socket failed: the route goes with the interface, or by hand (ip route del); Dispose must not throw
            }
        }

        base.Dispose(disposing); // closes the netlink socket (our Fd)
    }

    private static NetlinkMessage RouteMessage(ushort type, ushort flags, IPNetwork prefix, uint ifindex, IPAddress? gateway)
    {
        bool v6 = prefix.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        // as `ip route`: a new route without a gateway is link scope, through one universe scope; a delete matches any
        // scope and protocol
        bool add = type == Rtnetlink.NewRoute;
        byte scope = !add ? Rtnetlink.RtScopeNowhere : gateway is null && !v6 ? Rtnetlink.RtScopeLink : Rtnetlink.RtScopeUniverse;
        var m = NetlinkMessage.Route(type, flags, v6 ? Rtnetlink.AfInet6 : Rtnetlink.AfInet, (byte)prefix.PrefixLength, add ? Rtnetlink.RtprotBoot : (byte)0, scope)
            .Bytes(Rtnetlink.RtaDst, prefix.BaseAddress.GetAddressBytes())
            .U32(Rtnetlink.RtaOif, ifindex);
        if (gateway is not null) m.Bytes(Rtnetlink.RtaGateway, gateway.GetAddressBytes());
        return m;
    }

    /// <summary>A prefix ("10.77.0.0/24") or one address (a /32 or /128 route); host bits set are an error, as in `ip route`.</summary>
    private static IPNetwork ParsePrefix(BpfProgram program, string route)
    {
        if (IPAddress.TryParse(route, out var single) && !route.Contains('/', StringComparison.Ordinal))
        {
            return new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);
        }

        int slash = route.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IPAddress.TryParse(route.AsSpan(0, slash), out var address) && IPNetwork.TryParse(route, out var prefix) && prefix.BaseAddress.Equals(address))
        {
            return prefix; // the base address as given: IPNetwork would quietly clear host bits the kernel refuses
        }

        throw new ArgumentException($"program '{program.Name}': route '{route}' is not a prefix such as 10.77.0.0/24 or fc00::/64 (with no host bits set) or an address", nameof(route));
    }

    private static string Family(IPNetwork prefix) => prefix.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
}
