using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A netfilter program on a netfilter hook (BPF_LINK_CREATE netfilter, kernel 6.4+). Like libbpf's
/// bpf_program__attach_netfilter the hook is in the network namespace the link is created in: the caller's, or the one
/// named by <see cref="BpfAttachOptions.NetworkNamespace"/>.
/// </summary>
public sealed class NetfilterLink : BpfLink
{
    private NetfilterLink(BpfProgram program, BpfFd link, BpfNetfilterFamily family, BpfNetfilterHook hook, int priority, string? netns)
        : base(program, link, $"netfilter {family} {hook} prio {priority}{(netns is null ? string.Empty : " netns " + netns)}")
    {
        ProtocolFamily = family;
        Hook = hook;
        Priority = priority;
        NetworkNamespace = netns;
    }

    /// <inheritdoc />
    public override string Kind => "netfilter";
    /// <summary>ipv4 or ipv6.</summary>
    public BpfNetfilterFamily ProtocolFamily { get; }
    /// <summary>The hook.</summary>
    public BpfNetfilterHook Hook { get; }
    /// <summary>Priority among the hook's functions (lower runs first; iptables' filter table is 0).</summary>
    public int Priority { get; }
    /// <summary>The namespace given when attaching; null: the caller's.</summary>
    public string? NetworkNamespace { get; }

    /// <summary>Attaches a netfilter program to <paramref name="hook"/> of <paramref name="family"/> at <paramref name="priority"/> (lower runs first), optionally on defragmented packets, in network namespace <paramref name="netns"/> (null: the caller's).</summary>
    /// <exception cref="ArgumentException">The program is not a Netfilter program (see <see cref="BpfAttachKinds.Netfilter"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static NetfilterLink Attach(BpfProgram program, BpfNetfilterFamily family, BpfNetfilterHook hook, int priority, bool defrag, string? netns)
    {
        BpfAttachKinds.Netfilter.Require(program);
        if (!Enum.IsDefined(family)) throw new ArgumentException($"program '{program.Name}': netfilter links take ipv4 or ipv6, not protocol family {(uint)family}", nameof(family));
        if (!Enum.IsDefined(hook)) throw new ArgumentException($"program '{program.Name}': no netfilter hook {(uint)hook} (prerouting, input, forward, output, postrouting)", nameof(hook));
        // NF_IP_PRI_FIRST and NF_IP_PRI_LAST are reserved for the conntrack helpers; the kernel refuses them (EPERM)
        if (priority is int.MinValue or int.MaxValue) throw new ArgumentOutOfRangeException(nameof(priority), priority, $"program '{program.Name}': netfilter priority must lie strictly between int.MinValue and int.MaxValue");

        var fd = program.LoadedFd();
        string what = $"program '{program.Name}' (netfilter {family} {hook} prio {priority})";
        Func<BpfFd> create = () =>
        {
            var attr = NetfilterLinkAttr.Create(fd, (uint)family, (uint)hook, priority, defrag ? NetfilterLinkAttr.FlagIpDefrag : 0);
            return Bpf.LinkCreate(ref attr, what);
        };
        var link = netns is null ? create() : Engine.NetworkNamespace.RunInside(netns, create);
        return new NetfilterLink(program, link, family, hook, priority, netns);
    }
}
