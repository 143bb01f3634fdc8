namespace PSBpf.Engine;

/// <summary>
/// An sk_lookup program on a network namespace (a netns link, libbpf's bpf_program__attach_netns). The namespace must
/// be named explicitly: there is no sensible implicit one for a program that picks sockets for every connection in it.
/// </summary>
public sealed class SkLookupLink : NetnsLink
{
    private SkLookupLink(BpfProgram program, Native.BpfFd link, string netns)
        : base(program, link, "sk_lookup", netns)
    {
    }

    /// <summary>Attaches an sk_lookup program to network namespace <paramref name="netns"/> (a path such as /proc/PID/ns/net or /run/netns/NAME, or an `ip netns` name).</summary>
    /// <exception cref="ArgumentException">The program is not a SkLookup program (see <see cref="BpfAttachKinds.SkLookup"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static SkLookupLink Attach(BpfProgram program, string netns)
    {
        BpfAttachKinds.SkLookup.Require(program);
        return new SkLookupLink(program, Create(program, netns, BpfAttachType.sk_lookup), netns);
    }
}
