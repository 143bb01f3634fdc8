using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A program on a network namespace through a netns link (BPF_LINK_CREATE with the namespace's fd as target, libbpf's
/// bpf_program__attach_netns): sk_lookup and flow_dissector programs.
/// </summary>
public abstract class NetnsLink : BpfLink
{
    private protected NetnsLink(BpfProgram program, BpfFd link, string kind, string netns)
        : base(program, link, $"{kind} netns {netns}")
    {
        NetworkNamespace = netns;
    }

    /// <inheritdoc />
    public override string Kind => "netns";
    /// <summary>The namespace as given (a path, or an `ip netns` name).</summary>
    public string NetworkNamespace { get; }

    /// <summary>The link of <paramref name="program"/> on <paramref name="netns"/> for <paramref name="attachType"/>.</summary>
    private protected static BpfFd Create(BpfProgram program, string netns, BpfAttachType attachType)
    {
        var fd = program.LoadedFd();
        // the namespace fd is needed only for the call: the link holds the namespace
        using var ns = Engine.NetworkNamespace.Open(netns);
        var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = (uint)ns.Value, attach_type = (uint)attachType };
        return Bpf.LinkCreate(ref attr, $"program '{program.Name}' ({program.Type}) on network namespace {netns}");
    }
}
