using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// What is attached to network interfaces and namespaces, like <c>bpftool net show</c>: XDP (RTM_GETLINK's IFLA_XDP),
/// classic tc filters on clsact ingress and egress (RTM_GETTFILTER dumps), tcx and netkit chains, flow dissectors and
/// sk_lookup programs (BPF_PROG_QUERY). Attachments made by anyone are listed, not only this process's.
/// </summary>
public static unsafe class BpfNetInspection
{
    private static readonly (BpfAttachType Type, string Direction)[] TcxHooks = [(BpfAttachType.tcx_ingress, "ingress"), (BpfAttachType.tcx_egress, "egress")];
    private static readonly (BpfAttachType Type, string Direction)[] NetkitHooks = [(BpfAttachType.netkit_primary, "primary"), (BpfAttachType.netkit_peer, "peer")];
    private static readonly (uint Parent, BpfAttachType Type, string Direction)[] TcParents =
        [(Rtnetlink.TcHIngressParent, BpfAttachType.tcx_ingress, "ingress"), (Rtnetlink.TcHEgressParent, BpfAttachType.tcx_egress, "egress")];

    /// <summary>
    /// Every attachment in <paramref name="networkNamespace"/> (an `ip netns` name or a path; null: the caller's), or only
    /// those of one interface (<paramref name="interfaceName"/> or <paramref name="interfaceIndex"/>; then without the
    /// namespace-wide flow dissector and sk_lookup programs). Interfaces come in the kernel's order, each with its XDP,
    /// tc, tcx and netkit programs; the namespace's own programs come last.
    /// </summary>
    /// <exception cref="ArgumentException">No interface of that name or index in the namespace (ParamName "Interface").</exception>
    /// <exception cref="BpfSyscallException">The namespace cannot be opened or entered, or a netlink dump failed.</exception>
    public static IReadOnlyList<BpfNetAttachment> GetAttachments(string? networkNamespace = null, string? interfaceName = null, uint? interfaceIndex = null) =>
        networkNamespace is null
            ? Collect(null, interfaceName, interfaceIndex)
            : NetworkNamespace.RunInside(networkNamespace, () => Collect(networkNamespace, interfaceName, interfaceIndex));

    /// <summary>
    /// Detaches an attachment that no BPF link holds, where it is (entering its namespace): an XDP program by netlink
    /// (only if that program is still the one attached), a tc filter by its handle and priority (only if it still runs
    /// that program), a tcx, netkit or flow dissector program by BPF_PROG_DETACH. Link-held attachments are detached
    /// through their link (<see cref="BpfKernelLink"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The attachment is held by a link.</exception>
    /// <exception cref="BpfKernelObjectNotFoundException">It is gone already (the program or the filter).</exception>
    /// <exception cref="BpfSyscallException">The kernel refused the detach.</exception>
    public static void Detach(BpfNetAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (attachment.LinkId is { } link) throw new ArgumentException($"{attachment} is held by link {link}: detach the link (Remove-BpfAttachment -Id {link})", nameof(attachment));
        if (attachment.NetworkNamespace is null) NetAttachmentRemoval.Detach(attachment);
        else
        {
            NetworkNamespace.RunInside(attachment.NetworkNamespace, () =>
            {
                NetAttachmentRemoval.Detach(attachment);
                return true;
            });
        }
    }

    private sealed record Interface(uint Index, string Name, string? Kind, List<(BpfXdpMode Mode, uint ProgramId)> Xdp);

    private static List<BpfNetAttachment> Collect(string? netns, string? interfaceName, uint? interfaceIndex)
    {
        ulong netnsInode = TcQdiscOwners.CurrentNetns();
        var names = new Dictionary<uint, string>();
        var result = new List<BpfNetAttachment>();
        using var netlink = NetlinkSocket.Open();
        var interfaces = Interfaces(netlink);
        if (interfaceName is not null || interfaceIndex is not null)
        {
            interfaces = interfaces.Where(i => interfaceName is not null ? i.Name == interfaceName : i.Index == interfaceIndex).ToList();
            if (interfaces.Count == 0)
            {
                string which = interfaceName is not null ? $"'{interfaceName}'" : $"with index {interfaceIndex}";
                throw new ArgumentException($"no network interface {which} in {(netns is null ? "this network namespace" : $"network namespace {netns}")}", "Interface");
            }
        }

        // bpf_link_info of XDP and netns links names no namespace: a link matches by ifindex (or namespace inode) and program
        IReadOnlyList<BpfLinkInfo>? links = null;
        var claimed = new HashSet<uint>();
        uint? LinkOf(Func<BpfLinkInfo, bool> match)
        {
            links ??= BpfInspection.GetLinks(includePids: false, includePinnedPaths: false);
            var l = links.FirstOrDefault(x => !claimed.Contains(x.Id) && match(x));
            if (l is null) return null;
            claimed.Add(l.Id);
            return l.Id;
        }

        BpfNetAttachment Entry(BpfNetAttachmentKind kind, Interface? i, BpfAttachType type, uint prog) => new()
        {
            Kind = kind, NetworkNamespace = netns, NetnsInode = netnsInode, Interface = i?.Name, InterfaceIndex = i?.Index,
            AttachType = type, ProgramId = prog, ProgramName = ProgramName(prog, names),
        };

        foreach (var i in interfaces)
        {
            foreach (var (mode, prog) in i.Xdp)
            {
                result.Add(Entry(BpfNetAttachmentKind.xdp, i, BpfAttachType.xdp, prog) with
                {
                    XdpMode = mode,
                    LinkId = LinkOf(l => l.Type == BpfLinkType.xdp && l.IfIndex == i.Index && l.ProgramId == prog),
                });
            }

            foreach (var (parent, type, direction) in TcParents)
            {
                int order = 0;
                foreach (var f in TcFilters(netlink, i.Index, parent))
                {
                    result.Add(Entry(BpfNetAttachmentKind.tc, i, type, f.ProgramId) with
                    {
                        Direction = direction, Priority = f.Priority, Handle = f.Handle, FilterName = f.Name, DirectAction = f.DirectAction, Order = order++,
                    });
                }
            }

            AddChains(result, BpfNetAttachmentKind.tcx, TcxHooks, i, Entry);
            if (i.Kind == "netkit") AddChains(result, BpfNetAttachmentKind.netkit, NetkitHooks, i, Entry);
        }

        if (interfaceName is null && interfaceIndex is null)
        {
            using var ns = LibC.OpenNamespace("/proc/thread-self/ns/net", "this thread's network namespace");
            foreach (var (type, kind) in new[] { (BpfAttachType.flow_dissector, BpfNetAttachmentKind.flow_dissector), (BpfAttachType.sk_lookup, BpfNetAttachmentKind.sk_lookup) })
            {
                // EINVAL: a kernel without the hook; nothing is attached there then
                if (Bpf.TryProgQuery((uint)ns.Value, type, 0, out var q) < 0) continue;
                for (int n = 0; n < q.ProgramIds.Length; n++)
                {
                    uint prog = q.ProgramIds[n];
                    result.Add(Entry(kind, null, type, prog) with
                    {
                        Order = n,
                        LinkId = LinkOf(l => l.Type == BpfLinkType.netns && l.NetnsInode == netnsInode && l.AttachType == type && l.ProgramId == prog),
                    });
                }
            }
        }

        return result;
    }

    /// <summary>The tcx or netkit chains of an interface, in run order, with the link of each program and the hook's revision.</summary>
    private static void AddChains(List<BpfNetAttachment> result, BpfNetAttachmentKind kind, (BpfAttachType Type, string Direction)[] hooks, Interface i,
        Func<BpfNetAttachmentKind, Interface?, BpfAttachType, uint, BpfNetAttachment> entry)
    {
        foreach (var (type, direction) in hooks)
        {
            // an error is a kernel without the hook (EINVAL) or a device without it (netkit on a plain device): nothing there
            if (Bpf.TryProgQuery(i.Index, type, 0, out var q) < 0) continue;
            for (int n = 0; n < q.ProgramIds.Length; n++)
            {
                uint link = n < q.LinkIds.Length ? q.LinkIds[n] : 0;
                result.Add(entry(kind, i, type, q.ProgramIds[n]) with { Direction = direction, Order = n, Revision = q.Revision, LinkId = link == 0 ? null : link });
            }
        }
    }

    /// <summary>RTM_GETLINK dump: every interface with its kind (IFLA_INFO_KIND) and XDP programs (IFLA_XDP).</summary>
    private static List<Interface> Interfaces(NetlinkSocket netlink)
    {
        var list = new List<Interface>();
        var dump = NetlinkMessage.Link(Rtnetlink.GetLink, Rtnetlink.FlagRequest | Rtnetlink.FlagDump, 0);
        netlink.Request(dump, "RTM_GETLINK dump", (type, payload) =>
        {
            if (type != Rtnetlink.NewLink || !NetlinkMessage.ReadIfinfomsg(payload, out int ifindex, out var attrs)) return;
            string name = RtAttributes.String(attrs, Rtnetlink.IflaIfname) ?? string.Empty;
            string? kind = RtAttributes.TryFind(attrs, Rtnetlink.IflaLinkinfo, out var info) ? RtAttributes.String(info, Rtnetlink.IflaInfoKind) : null;
            var xdp = RtAttributes.TryFind(attrs, Rtnetlink.IflaXdp, out var x) ? XdpPrograms(x) : [];
            list.Add(new Interface((uint)ifindex, name, kind, xdp));
        });
        return list;
    }

    /// <summary>The programs of an IFLA_XDP nest with their modes: one, or with XDP_ATTACHED_MULTI one per mode in bpftool's order (generic, driver, offload).</summary>
    internal static List<(BpfXdpMode Mode, uint ProgramId)> XdpPrograms(ReadOnlySpan<byte> xdp)
    {
        var list = new List<(BpfXdpMode, uint)>();
        byte attached = RtAttributes.U8(xdp, Rtnetlink.IflaXdpAttached) ?? 0;
        if (attached == Rtnetlink.XdpAttachedMulti)
        {
            if (RtAttributes.U32(xdp, Rtnetlink.IflaXdpSkbProgId) is uint skb and not 0) list.Add((BpfXdpMode.Generic, skb));
            if (RtAttributes.U32(xdp, Rtnetlink.IflaXdpDrvProgId) is uint drv and not 0) list.Add((BpfXdpMode.Driver, drv));
            if (RtAttributes.U32(xdp, Rtnetlink.IflaXdpHwProgId) is uint hw and not 0) list.Add((BpfXdpMode.Offload, hw));
            return list;
        }

        BpfXdpMode? mode = attached switch
        {
            Rtnetlink.XdpAttachedDrv => BpfXdpMode.Driver,
            Rtnetlink.XdpAttachedSkb => BpfXdpMode.Generic,
            Rtnetlink.XdpAttachedHw => BpfXdpMode.Offload,
            _ => null,
        };
        if (mode is { } m && RtAttributes.U32(xdp, Rtnetlink.IflaXdpProgId) is uint prog and not 0) list.Add((m, prog));
        return list;
    }

    internal sealed record TcFilter(uint Handle, ushort Priority, uint ProgramId, string? Name, bool DirectAction);

    /// <summary>The cls_bpf filters under one clsact parent, in the kernel's dump order (by priority); none without a clsact qdisc.</summary>
    internal static List<TcFilter> TcFilters(NetlinkSocket netlink, uint ifindex, uint parent)
    {
        var list = new List<TcFilter>();
        var dump = new NetlinkMessage(Rtnetlink.GetTfilter, Rtnetlink.FlagRequest | Rtnetlink.FlagDump, (int)ifindex, 0, parent, 0);
        // an error here is no clsact qdisc on the interface (EINVAL), so no filters
        netlink.TryRequest(dump, (type, payload) =>
        {
            if (type != Rtnetlink.NewTfilter || !NetlinkMessage.ReadTcmsg(payload, out uint handle, out uint info)) return;
            var attrs = NetlinkMessage.TcmsgAttributes(payload);
            // a priority's own entry (handle 0, no options) precedes its filters, as `tc filter show` prints it
            if (RtAttributes.String(attrs, Rtnetlink.TcaKind) != "bpf" || !RtAttributes.TryFind(attrs, Rtnetlink.TcaOptions, out var options)) return;
            if (RtAttributes.U32(options, Rtnetlink.TcaBpfId) is not uint prog) return;
            uint flags = RtAttributes.U32(options, Rtnetlink.TcaBpfFlags) ?? 0;
            list.Add(new TcFilter(handle, (ushort)(info >> 16), prog, RtAttributes.String(options, Rtnetlink.TcaBpfName), (flags & Rtnetlink.TcaBpfFlagActDirect) != 0));
        }, out _);
        return list;
    }

    /// <summary>A program's name by id (empty when it is gone), looked up once per listing.</summary>
    internal static string ProgramName(uint id, Dictionary<uint, string> cache)
    {
        if (cache.TryGetValue(id, out var name)) return name;
        using var fd = Bpf.GetFdById(BpfCommand.ProgGetFdById, id);
        if (fd is null) return cache[id] = string.Empty;
        var info = Bpf.ProgGetInfo(fd);
        return cache[id] = NativeText.CString(info.name, 16);
    }
}
