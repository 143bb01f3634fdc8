using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Detaches the network attachments no BPF link holds (BpfNetInspection.Detach), on the calling thread's namespace:
/// each checks first that what is attached is still the listed program, so a stale listing never removes another's.
/// </summary>
internal static class NetAttachmentRemoval
{
    public static void Detach(BpfNetAttachment a)
    {
        using var prog = Bpf.GetFdById(BpfCommand.ProgGetFdById, a.ProgramId) ?? throw new BpfKernelObjectNotFoundException(BpfKernelObjectKind.Program, a.ProgramId);
        switch (a.Kind)
        {
            case BpfNetAttachmentKind.xdp:
                DetachXdp(a, prog);
                break;
            case BpfNetAttachmentKind.tc:
                DeleteFilter(a);
                break;
            case BpfNetAttachmentKind.tcx or BpfNetAttachmentKind.netkit:
                Bpf.ProgDetach(InterfaceIndex(a), prog, a.AttachType, $"program {a.ProgramId} ({a.AttachType}) on {a.Interface}");
                break;
            case BpfNetAttachmentKind.flow_dissector:
                // the kernel detaches from the calling thread's namespace and insists on target_fd 0 (EINVAL otherwise)
                Bpf.ProgDetach(0, prog, a.AttachType, $"flow dissector program {a.ProgramId}");
                break;
            default:
                throw new ArgumentException($"{a}: {a.Kind} programs are attached by links only", nameof(a));
        }
    }

    private static uint InterfaceIndex(BpfNetAttachment a) =>
        a.InterfaceIndex ?? throw new ArgumentException($"{a}: no interface index", nameof(a));

    /// <summary>RTM_SETLINK with IFLA_XDP_FD -1 in the attachment's mode; XDP_FLAGS_REPLACE with the expected fd makes the kernel refuse if another program took the place.</summary>
    private static void DetachXdp(BpfNetAttachment a, BpfFd prog)
    {
        uint mode = (uint)(a.XdpMode ?? BpfXdpMode.Default);
        using var netlink = NetlinkSocket.Open();
        var set = NetlinkMessage.Link(Rtnetlink.SetLink, Rtnetlink.FlagRequest | Rtnetlink.FlagAck, (int)InterfaceIndex(a))
            .BeginNest(Rtnetlink.IflaXdp)
            .S32(Rtnetlink.IflaXdpFd, -1)
            .S32(Rtnetlink.IflaXdpExpectedFd, prog.Value)
            .U32(Rtnetlink.IflaXdpFlags, mode | Rtnetlink.XdpFlagsReplace)
            .EndNest();
        netlink.Request(set, $"RTM_SETLINK (XDP detach of program {a.ProgramId}, {a.XdpMode}) on {a.Interface}");
    }

    /// <summary>RTM_DELTFILTER of the one filter with the attachment's handle and priority, if it still runs the listed program.</summary>
    private static void DeleteFilter(BpfNetAttachment a)
    {
        uint ifindex = InterfaceIndex(a);
        uint parent = a.AttachType == BpfAttachType.tcx_ingress ? Rtnetlink.TcHIngressParent : Rtnetlink.TcHEgressParent;
        if (a.Handle is not uint handle || a.Priority is not ushort priority || handle == 0 || priority == 0)
        {
            throw new ArgumentException($"{a}: a tc filter is named by its handle and priority", nameof(a));
        }

        using var netlink = NetlinkSocket.Open();
        if (!BpfNetInspection.TcFilters(netlink, ifindex, parent).Any(f => f.Handle == handle && f.Priority == priority && f.ProgramId == a.ProgramId))
        {
            throw new InvalidOperationException($"no tc filter with handle 0x{handle:x} and priority {priority} runs program {a.ProgramId} on {a.Interface} {a.Direction} any more");
        }

        // protocol 0 in tcm_info matches the filter whatever protocol it was added for (`tc filter add ... protocol ip`)
        var del = new NetlinkMessage(Rtnetlink.DelTfilter, Rtnetlink.FlagRequest | Rtnetlink.FlagAck, (int)ifindex, handle, parent, (uint)priority << 16)
            .String(Rtnetlink.TcaKind, "bpf");
        netlink.Request(del, $"RTM_DELTFILTER (handle 0x{handle:x}, pref {priority}) on {a.Interface} {a.Direction}");
    }
}
