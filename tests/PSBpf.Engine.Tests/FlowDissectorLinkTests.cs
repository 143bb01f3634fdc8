using System.Buffers.Binary;
using System.Collections;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// A BPF flow dissector on a network namespace the test creates (a netns link): traffic arriving in the namespace on a
/// veth with RPS on (which hashes every packet's flow) runs it; traffic arriving elsewhere does not. And the same
/// program under BPF_PROG_TEST_RUN, whose output is the flow keys it filled.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class FlowDissectorLinkTests
{
    private static ulong Dissected(BpfObject obj) => Convert.ToUInt64(obj.Globals["dissected"].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void The_dissector_runs_for_packets_of_its_namespace_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("flow_dissector")))
        {
            obj.Load();
            var program = obj.Programs["dissect_ipv4"];
            Assert.False(program.CanAutoAttach);
            var needs = Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());
            Assert.Contains("a network namespace", needs.Message, StringComparison.Ordinal);
            // RPS on the namespace's end hashes each packet it receives, through the namespace's flow dissector; IPv6 off
            // on both ends, so no neighbour discovery of the fresh link arrives there but the test's own datagrams
            Sh.Run("ip", "netns", "exec", veth.Namespace, "sh", "-c",
                "sysctl -qw net.ipv6.conf.all.disable_ipv6=1; echo 3 > /sys/class/net/$(ls /sys/class/net | grep pbp)/queues/rx-0/rps_cpus");
            Sh.Run("sysctl", "-qw", $"net.ipv6.conf.{veth.Host}.disable_ipv6=1");
            Thread.Sleep(300);

            var link = Assert.IsType<FlowDissectorLink>(program.Attach(new BpfAttachOptions { NetworkNamespace = veth.Namespace }));
            Assert.Equal("netns", link.Kind);
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.netns, info.Type);
            Assert.Equal(BpfAttachType.flow_dissector, info.AttachType);
            using (var json = Bpftool.Json("link", "show", "id", link.Id!.Value.ToString(CultureInfo.InvariantCulture)))
            {
                Assert.Equal("flow_dissector", json.RootElement.GetProperty("attach_type").GetString());
                Assert.Equal(info.NetnsInode!.Value, json.RootElement.GetProperty("netns_ino").GetUInt32());
            }

            Sh.Bash("for i in 1 2 3; do echo psbpf > /dev/udp/127.0.0.1/9; done"); // the root namespace's traffic: not this dissector's
            Assert.Equal(0UL, Dissected(obj));
            veth.SendToPeer(5);
            Assert.True(Dissected(obj) >= 5, $"dissected {Dissected(obj)} of 5 packets");

            link.Dispose();
            ulong stopped = Dissected(obj);
            veth.SendToPeer(5);
            veth.SendFromPeer(5);
            Assert.Equal(stopped, Dissected(obj));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_test_run_returns_the_flow_keys_the_program_filled()
    {
        using var obj = BpfObject.Open(Fixtures.Object("flow_dissector"));
        obj.Load();
        var frame = TestPackets.Udp(53);
        var r = obj.Programs["dissect_ipv4"].Run(new BpfRunOptions { Data = frame });
        Assert.Equal("BPF_OK", r.Action);
        var keys = Assert.IsAssignableFrom<IDictionary>(r.Context);
        Assert.Equal(17u, Convert.ToUInt32(keys["ip_proto"], CultureInfo.InvariantCulture));
        Assert.Equal(14u, Convert.ToUInt32(keys["nhoff"], CultureInfo.InvariantCulture));
        Assert.Equal(34u, Convert.ToUInt32(keys["thoff"], CultureInfo.InvariantCulture));
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(26)), Convert.ToUInt32(keys["ipv4_src"], CultureInfo.InvariantCulture));
        Assert.NotNull(r.Data); // the kernel returns the keys as the output data too
        Assert.Equal("BPF_DROP", obj.Programs["dissect_ipv4"].Run(new BpfRunOptions { Data = [.. frame[..12], 0x86, 0xdd, .. frame[14..]] }).Action);
    }
}
