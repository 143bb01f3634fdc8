using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A flow_dissector program on a network namespace (BPF_LINK_CREATE with the namespace's fd as target and attach type
/// flow_dissector, libbpf's bpf_program__attach_netns): it replaces the kernel's flow dissector for packets of devices
/// in that namespace. A namespace takes one flow dissector; a second link is E2BIG.
/// </summary>
public sealed class FlowDissectorLink : BpfLink
{
    private FlowDissectorLink(BpfProgram program, BpfFd link, string netns)
        : base(program, link, $"flow_dissector netns {netns}")
    {
        NetworkNamespace = netns;
    }

    /// <inheritdoc />
    public override string Kind => "netns";
    /// <summary>The namespace as given (a path, or an `ip netns` name).</summary>
    public string NetworkNamespace { get; }

    /// <summary>Attaches a flow_dissector program to network namespace <paramref name="netns"/> (a path such as /proc/PID/ns/net or /run/netns/NAME, or an `ip netns` name).</summary>
    /// <exception cref="ArgumentException">The program is not a flow_dissector program (see <see cref="BpfAttachKinds.FlowDissector"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="BpfSyscallException">The namespace does not exist (ENOENT), or already has a flow dissector link (E2BIG).</exception>
    public static FlowDissectorLink Attach(BpfProgram program, string netns)
    {
        BpfAttachKinds.FlowDissector.Require(program);
        var fd = program.LoadedFd();
        // the namespace fd is needed only for the call: the link holds the namespace
        using var ns = Engine.NetworkNamespace.Open(netns);
        var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = (uint)ns.Value, attach_type = (uint)BpfAttachType.flow_dissector };
        return new FlowDissectorLink(program, Bpf.LinkCreate(ref attr, $"program '{program.Name}' (flow_dissector) on network namespace {netns}"), netns);
    }
}
