using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An sk_lookup program on a network namespace (BPF_LINK_CREATE with the namespace's fd as target, libbpf's
/// bpf_program__attach_netns). The namespace must be named explicitly: there is no sensible implicit one for a program
/// that picks sockets for every connection in it.
/// </summary>
public sealed class SkLookupLink : BpfLink
{
    private SkLookupLink(BpfProgram program, BpfFd link, string netns)
        : base(program, link, $"sk_lookup netns {netns}")
    {
        NetworkNamespace = netns;
    }

    /// <inheritdoc />
    public override string Kind => "netns";
    /// <summary>The namespace as given (a path, or an `ip netns` name).</summary>
    public string NetworkNamespace { get; }

    /// <summary>Attaches an sk_lookup program to network namespace <paramref name="netns"/> (a path such as /proc/PID/ns/net or /run/netns/NAME, or an `ip netns` name).</summary>
    /// <exception cref="ArgumentException">The program is not a SkLookup program (see <see cref="BpfAttachKinds.SkLookup"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static SkLookupLink Attach(BpfProgram program, string netns)
    {
        BpfAttachKinds.SkLookup.Require(program);
        var fd = program.LoadedFd();
        // the namespace fd is needed only for the call: the link holds the namespace
        using var ns = Engine.NetworkNamespace.Open(netns);
        var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = (uint)ns.Value, attach_type = (uint)BpfAttachType.sk_lookup };
        return new SkLookupLink(program, Bpf.LinkCreate(ref attr, $"program '{program.Name}' (sk_lookup) on network namespace {netns}"), netns);
    }
}
