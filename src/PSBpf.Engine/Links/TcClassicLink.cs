using System.Globalization;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A sched_cls program as a classic tc filter: cls_bpf in direct-action mode on the clsact qdisc of an interface, set up
/// over rtnetlink like libbpf's bpf_tc_hook_create + bpf_tc_attach (and `tc filter add ... bpf da`). Not a kernel
/// link: the attachment holds the netlink socket, so detaching (RTM_DELTFILTER) reaches the same namespace. The clsact
/// qdisc is created when missing; it is removed again when the last of this process's attachments on a qdisc it created
/// detaches and no filter is left on it (libbpf's bpf_tc_hook_destroy removes the qdisc whatever is on it, which would
/// take other users' filters along, so it is left to the caller there).
/// </summary>
public sealed class TcClassicLink : BpfLink
{
    private readonly NetlinkSocket _netlink;
    private readonly (ulong Netns, uint IfIndex) _qdiscKey;
    private readonly bool _sharesQdisc;

    private TcClassicLink(BpfProgram program, NetlinkSocket netlink, string iface, uint ifindex, BpfAttachType direction, uint handle, ushort priority, bool createdQdisc, (ulong, uint) qdiscKey, bool sharesQdisc)
        : base(program, netlink.Fd, $"tc {(direction == BpfAttachType.tcx_ingress ? "ingress" : "egress")} {iface} handle 0x{handle:x} pref {priority}")
    {
        _netlink = netlink;
        Interface = iface;
        InterfaceIndex = ifindex;
        AttachType = direction;
        Handle = handle;
        Priority = priority;
        CreatedQdisc = createdQdisc;
        _qdiscKey = qdiscKey;
        _sharesQdisc = sharesQdisc;
    }

    /// <inheritdoc />
    public override string Kind => "tc";
    /// <summary>Interface name.</summary>
    public string Interface { get; }
    /// <summary>Interface index in the namespace of the attach.</summary>
    public uint InterfaceIndex { get; }
    /// <summary>tcx_ingress or tcx_egress: the clsact side the filter is on.</summary>
    public BpfAttachType AttachType { get; }
    /// <summary>The filter's handle (as `tc filter show` prints it).</summary>
    public uint Handle { get; }
    /// <summary>The filter's priority ("pref").</summary>
    public ushort Priority { get; }
    /// <summary>True when this attachment created the clsact qdisc. The last attachment of this process on a qdisc it created removes it on detach, if no filter is left on it.</summary>
    public bool CreatedQdisc { get; }
    private protected override bool IsKernelLink => false;

    /// <summary>Attaches a sched_cls program the classic way: a clsact qdisc (created if missing) and a direct-action cls_bpf filter on <paramref name="iface"/> in <paramref name="direction"/> (tcx_ingress or tcx_egress); <paramref name="handle"/> and <paramref name="priority"/> 0 let the kernel choose.</summary>
    /// <exception cref="ArgumentException">The program is not a Tc program (see <see cref="BpfAttachKinds.Tc"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static TcClassicLink Attach(BpfProgram program, string iface, BpfAttachType direction, uint handle, ushort priority)
    {
        BpfAttachKinds.Tc.Require(program);
        return Create(program, iface, direction, handle, priority);
    }

    /// <summary>The attach without the program-kind check, so tests can make the kernel refuse the filter (a netlink error after the qdisc was made).</summary>
    internal static TcClassicLink Create(BpfProgram program, string iface, BpfAttachType direction, uint handle, ushort priority)
    {
        if (direction is not (BpfAttachType.tcx_ingress or BpfAttachType.tcx_egress))
        {
            throw new ArgumentException($"program '{program.Name}': tc filters go on ingress or egress (tcx_ingress or tcx_egress), not {direction}", nameof(direction));
        }

        var prog = program.LoadedFd();
        uint ifindex = NetworkInterface.Index(iface);
        string side = direction == BpfAttachType.tcx_ingress ? "ingress" : "egress";
        uint parent = direction == BpfAttachType.tcx_ingress ? Rtnetlink.TcHIngressParent : Rtnetlink.TcHEgressParent;
        var netlink = NetlinkSocket.Open();
        bool created = false, shares = false;
        var key = (TcQdiscOwners.CurrentNetns(), ifindex);
        // one classic tc attach or detach at a time in this process: the qdisc is created, counted and given its filter
        // before another attach or the last detach looks at it, so the last one out (and only it) removes an empty qdisc
        lock (TcQdiscOwners.Gate)
        {
            try
            {
                var qdisc = new NetlinkMessage(Rtnetlink.NewQdisc, Rtnetlink.FlagRequest | Rtnetlink.FlagAck | Rtnetlink.FlagCreate | Rtnetlink.FlagExcl, (int)ifindex, Rtnetlink.TcHClsactHandle, Rtnetlink.TcHClsact, 0)
                    .String(Rtnetlink.TcaKind, "clsact");
                int r = netlink.TryRequest(qdisc, null, out string? message);
                if (r < 0 && r != -Errno.EEXIST) throw new BpfSyscallException(BpfSystemCall.Netlink, $"RTM_NEWQDISC clsact on {iface}", -r, message);
                created = r == 0;
                shares = TcQdiscOwners.Use(key, created);

                uint id = program.Id ?? 0;
                var filter = new NetlinkMessage(Rtnetlink.NewTfilter, Rtnetlink.FlagRequest | Rtnetlink.FlagAck | Rtnetlink.FlagCreate | Rtnetlink.FlagExcl | Rtnetlink.FlagEcho,
                        (int)ifindex, handle, parent, ((uint)priority << 16) | Rtnetlink.EthPAllBigEndian)
                    .String(Rtnetlink.TcaKind, "bpf")
                    .BeginNest(Rtnetlink.TcaOptions)
                    .U32(Rtnetlink.TcaBpfFd, (uint)prog.Value)
                    .String(Rtnetlink.TcaBpfName, $"{program.Name}:[{id.ToString(CultureInfo.InvariantCulture)}]")
                    .U32(Rtnetlink.TcaBpfFlags, Rtnetlink.TcaBpfFlagActDirect)
                    .EndNest();
                uint gotHandle = 0, gotInfo = 0;
                bool echoed = false;
                // NLM_F_ECHO: the kernel sends the new filter back, with the handle and priority it chose
                netlink.Request(filter, $"RTM_NEWTFILTER (cls_bpf, direct-action) for program '{program.Name}' on {iface} {side}", (type, payload) =>
                {
                    if (type == Rtnetlink.NewTfilter && NetlinkMessage.ReadTcmsg(payload, out uint h, out uint i)) (gotHandle, gotInfo, echoed) = (h, i, true);
                });
                if (!echoed || gotHandle == 0 || (gotInfo >> 16) == 0)
                {
                    // without the echo the filter cannot be named exactly, and a delete by priority alone would take every
                    // filter there (libbpf's __bpf_tc_attach fails the same way); remove what we asked for where that is exact
                    if (handle != 0 && priority != 0) DeleteFilter(netlink, ifindex, parent, handle, priority);
                    throw new BpfSyscallException(BpfSystemCall.Netlink, $"RTM_NEWTFILTER for program '{program.Name}' on {iface} {side}", Errno.ENOENT,
                        "the kernel did not report the new filter's handle and priority");
                }

                return new TcClassicLink(program, netlink, iface, ifindex, direction, gotHandle, (ushort)(gotInfo >> 16), created, key, shares);
            }
            catch
            {
                try
                {
                    if (shares && TcQdiscOwners.Release(key)) DeleteQdiscIfEmpty(netlink, ifindex);
                }
                catch (Exception e) when (e is BpfSyscallException or InvalidDataException)
                {
                    // the attach error is the one to report; the empty qdisc stays, as if someone else had made it
                }
                finally
                {
                    netlink.Dispose();
                }

                throw;
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !Fd.IsClosed)
        {
            uint parent = AttachType == BpfAttachType.tcx_ingress ? Rtnetlink.TcHIngressParent : Rtnetlink.TcHEgressParent;
            try
            {
                // ENOENT/ENODEV: someone removed the filter, qdisc or interface already; Dispose must not throw
                lock (TcQdiscOwners.Gate)
                {
                    DeleteFilter(_netlink, InterfaceIndex, parent, Handle, Priority);
                    if (_sharesQdisc && TcQdiscOwners.Release(_qdiscKey)) DeleteQdiscIfEmpty(_netlink, InterfaceIndex);
                }
            }
            catch (Exception e) when (e is BpfSyscallException or InvalidDataException)
            {
                // the socket failed or the kernel answered garbage: the filter goes with the interface or by hand (tc)
            }
        }

        base.Dispose(disposing); // closes the netlink socket (our Fd)
    }

    /// <summary>RTM_DELTFILTER of exactly one filter (handle and priority both set: never a whole priority's filters).</summary>
    private static void DeleteFilter(NetlinkSocket netlink, uint ifindex, uint parent, uint handle, ushort priority)
    {
        if (handle == 0 || priority == 0) return;
        var del = new NetlinkMessage(Rtnetlink.DelTfilter, Rtnetlink.FlagRequest | Rtnetlink.FlagAck, (int)ifindex, handle, parent, ((uint)priority << 16) | Rtnetlink.EthPAllBigEndian)
            .String(Rtnetlink.TcaKind, "bpf");
        netlink.TryRequest(del, null, out _);
    }

    private static void DeleteQdiscIfEmpty(NetlinkSocket netlink, uint ifindex)
    {
        foreach (uint parent in new[] { Rtnetlink.TcHIngressParent, Rtnetlink.TcHEgressParent })
        {
            bool any = false;
            var dump = new NetlinkMessage(Rtnetlink.GetTfilter, Rtnetlink.FlagRequest | Rtnetlink.FlagDump, (int)ifindex, 0, parent, 0);
            if (netlink.TryRequest(dump, (type, _) => any |= type == Rtnetlink.NewTfilter, out _) < 0 || any) return;
        }

        var qdisc = new NetlinkMessage(Rtnetlink.DelQdisc, Rtnetlink.FlagRequest | Rtnetlink.FlagAck, (int)ifindex, Rtnetlink.TcHClsactHandle, Rtnetlink.TcHClsact, 0)
            .String(Rtnetlink.TcaKind, "clsact");
        netlink.TryRequest(qdisc, null, out _);
    }
}
