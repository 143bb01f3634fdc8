namespace PSBpf.Engine;

/// <summary>
/// A flow_dissector program on a network namespace (a netns link, as libbpf's bpf_program__attach_netns): the kernel
/// runs it instead of its own dissector for packets of that namespace (skb hashing, fq_codel, RPS, tc flower).
/// </summary>
public sealed class FlowDissectorLink : NetnsLink
{
    private FlowDissectorLink(BpfProgram program, Native.BpfFd link, string netns)
        : base(program, link, "flow_dissector", netns)
    {
    }

    /// <summary>Attaches a flow_dissector program to network namespace <paramref name="netns"/> (a path, or an `ip netns` name).</summary>
    /// <exception cref="ArgumentException">The program is not a FlowDissector program (see <see cref="BpfAttachKinds.FlowDissector"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static FlowDissectorLink Attach(BpfProgram program, string netns)
    {
        BpfAttachKinds.FlowDissector.Require(program);
        return new FlowDissectorLink(program, Create(program, netns, BpfAttachType.flow_dissector), netns);
    }
}
