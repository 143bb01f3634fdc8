namespace PSBpf.Engine.Tests;

/// <summary>
/// flow_dissector on a network namespace the test creates (libbpf: bpf_program__attach_netns). Real traffic: a veth
/// pair from a second namespace into it, with RPS on the receiving end: steering hashes every packet it receives
/// (skb_get_hash), which runs the flow dissector of the receiving device's namespace.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class FlowDissectorLinkTests
{
    private const string Send = "for i in 1 2 3; do echo psbpf > /dev/udp/10.213.7.1/9; sleep 0.1; done";

    [Fact]
    public void Flow_dissector_runs_for_packets_of_its_namespace_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var netns = new TestNetns())
        using (var peer = new TestNetns())
        using (var obj = BpfObject.Open(Fixtures.Object("flow_dissector_count")))
        {
            Sh.Run("ip", "-n", netns.Name, "link", "add", "fd0", "type", "veth", "peer", "name", "fd1", "netns", peer.Name);
            netns.Bash("ip addr add 10.213.7.1/24 dev fd0 && ip link set fd0 up && echo 1 > /sys/class/net/fd0/queues/rx-0/rps_cpus");
            peer.Bash("ip addr add 10.213.7.2/24 dev fd1 && ip link set fd1 up");
            obj.Load();
            var dissected = obj.Maps["dissected"];
            var program = obj.Programs["count_flow"];
            Assert.False(program.CanAutoAttach);
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());

            var link = Assert.IsType<FlowDissectorLink>(program.Attach(new BpfAttachOptions { NetworkNamespace = netns.Name }));
            Assert.Equal("netns", link.Kind);
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.netns, info.Type);
            Assert.Equal(BpfAttachType.flow_dissector, info.AttachType);
            Assert.Equal(netns.Inode(), (ulong)info.NetnsInode!.Value);
            using (var json = Bpftool.Json("link", "show", "id", link.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                var j = json.RootElement;
                Assert.Equal("netns", j.GetProperty("type").GetString());
                Assert.Equal(info.NetnsInode!.Value, j.GetProperty("netns_ino").GetUInt32());
                Assert.Equal("flow_dissector", j.GetProperty("attach_type").GetString());
            }

            // one flow dissector per namespace
            var second = Assert.Throws<BpfSyscallException>(() => FlowDissectorLink.Attach(program, netns.Path));
            Assert.Equal("E2BIG", second.ErrorName); // netns links of one-program kinds are full at one

            peer.Bash(Send);
            Assert.True(Counters.Sum(dissected, 0) >= 3, $"dissected {Counters.Sum(dissected, 0)}");

            link.Dispose();
            Assert.Null(link.Id);
            ulong stopped = Counters.Sum(dissected, 0);
            peer.Bash(Send);
            Assert.Equal(stopped, Counters.Sum(dissected, 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Flow_dissector_names_a_missing_namespace()
    {
        using var obj = BpfObject.Open(Fixtures.Object("flow_dissector_count"));
        obj.Load();
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<BpfSyscallException>(() => obj.Programs["count_flow"].Attach(new BpfAttachOptions { NetworkNamespace = "psbpf-flow-no-such-netns" }));
        Assert.Equal("ENOENT", e.ErrorName);
        Assert.Contains("/run/netns/psbpf-flow-no-such-netns", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
