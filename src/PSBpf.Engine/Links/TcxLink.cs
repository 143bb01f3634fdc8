using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>A sched_cls program on an interface's tcx ingress or egress hook (BPF_LINK_CREATE, kernel 6.6+).</summary>
public sealed class TcxLink : BpfLink
{
    private TcxLink(BpfProgram program, BpfFd link, string iface, uint ifindex, BpfAttachType direction)
        : base(program, link, $"{direction} {iface}")
    {
        Interface = iface;
        InterfaceIndex = ifindex;
        AttachType = direction;
    }

    /// <inheritdoc />
    public override string Kind => "tcx";
    /// <summary>Interface name.</summary>
    public string Interface { get; }
    /// <summary>Interface index in this network namespace.</summary>
    public uint InterfaceIndex { get; }
    /// <summary>tcx_ingress or tcx_egress.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>
    /// Attaches a sched_cls program to interface <paramref name="iface"/> in <paramref name="direction"/> (tcx_ingress or
    /// tcx_egress) with a tcx link, at the end of the chain. Kernels before 6.6 have no tcx and refuse with EINVAL; this
    /// entry point does not fall back: <see cref="BpfProgram.Attach(BpfAttachOptions)"/> with <see cref="BpfTcMode.Auto"/>
    /// (Add-BpfAttachment's default) then attaches the classic way (<see cref="TcClassicLink.Attach"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The program is not a sched_cls program, or the direction is not a tcx one.</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static TcxLink Attach(BpfProgram program, string iface, BpfAttachType direction)
    {
        BpfAttachKinds.Tc.Require(program);
        if (direction is not (BpfAttachType.tcx_ingress or BpfAttachType.tcx_egress))
        {
            throw new ArgumentException($"program '{program.Name}': tcx links are tcx_ingress or tcx_egress, not {direction}", nameof(direction));
        }

        var fd = program.LoadedFd();
        uint ifindex = NetworkInterface.Index(iface);
        // the union's relative_fd/expected_revision stay zero: append after whatever is attached already
        var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = ifindex, attach_type = (uint)direction };
        return new TcxLink(program, Bpf.LinkCreate(ref attr, $"program '{program.Name}' ({direction}) on {iface}"), iface, ifindex, direction);
    }

    /// <summary>
    /// Attaches at a chosen place in the interface's tcx chain: before (or after) the attached program with id
    /// <paramref name="relativeProgramId"/>, or with id 0 at the very front (or end). No classic-tc fallback.
    /// </summary>
    /// <exception cref="ArgumentException">The program is not a sched_cls program, or the direction is not a tcx one.</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static TcxLink Attach(BpfProgram program, string iface, BpfAttachType direction, bool before, uint relativeProgramId)
    {
        BpfAttachKinds.Tc.Require(program);
        if (direction is not (BpfAttachType.tcx_ingress or BpfAttachType.tcx_egress))
        {
            throw new ArgumentException($"program '{program.Name}': tcx links are tcx_ingress or tcx_egress, not {direction}", nameof(direction));
        }

        var fd = program.LoadedFd();
        uint ifindex = NetworkInterface.Index(iface);
        var attr = TcxLinkAttr.Create(fd, ifindex, direction, before, relativeProgramId);
        string place = relativeProgramId == 0 ? (before ? "first" : "last") : $"{(before ? "before" : "after")} program {relativeProgramId}";
        return new TcxLink(program, Bpf.LinkCreate(ref attr, $"program '{program.Name}' ({direction}, {place}) on {iface}"), iface, ifindex, direction);
    }
}
