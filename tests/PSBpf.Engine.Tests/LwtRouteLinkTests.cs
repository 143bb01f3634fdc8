using System.Globalization;
using System.Net;
using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>
/// lwt programs on routes the test creates in a namespace of its own (a veth pair): lwt_out and lwt_xmit on a route the
/// namespace's own datagrams take, lwt_in on a route that forwards what the host sends in, and lwt_seg6local as the
/// End.BPF action of an SRv6 segment that a crafted packet visits. Each runs on its trigger, shows in `ip route` as
/// iproute2 prints it, and stops with the route when detached.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class LwtRouteLinkTests
{
    private static int _net = Random.Shared.Next(0, 200);

    public static TheoryData<string, string> Hooks => new() { { "count_in", "in" }, { "count_out", "out" }, { "count_xmit", "xmit" } };

    [Theory]
    [MemberData(nameof(Hooks))]
    public void Lwt_program_runs_for_packets_on_its_route_until_detached(string name, string hook)
    {
        int before = KernelObjects.BpfHandles();
        int n = Interlocked.Increment(ref _net) % 250 + 1;
        string route = $"10.252.{n}.0/24", target = $"10.252.{n}.5";
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("lwt")))
        {
            obj.Load();
            var program = obj.Programs[name];
            var runs = obj.Maps["lwt_runs"];
            uint slot = hook switch { "in" => 0u, "out" => 1u, _ => 2u };
            Assert.False(program.CanAutoAttach);
            var needs = Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach(new BpfAttachOptions { Interface = veth.Peer }));
            Assert.Contains("a route to create", needs.Message, StringComparison.Ordinal);

            // in: the namespace forwards what the host routes into it; out and xmit: the namespace's own datagrams
            Action trigger = hook == "in"
                ? () => Sh.Bash($"for i in 1 2 3 4 5; do echo psbpf > /dev/udp/{target}/9; done")
                : () => Sh.Run("ip", "netns", "exec", veth.Namespace, "bash", "-c", $"for i in 1 2 3 4 5; do echo psbpf > /dev/udp/{target}/9; done");
            if (hook == "in")
            {
                Sh.Run("ip", "netns", "exec", veth.Namespace, "sysctl", "-qw", "net.ipv4.conf.all.forwarding=1");
                Sh.Run("ip", "route", "add", route, "via", veth.PeerAddress, "dev", veth.Host); // goes with the veth
            }

            var link = Assert.IsType<LwtRouteLink>(program.Attach(new BpfAttachOptions
            {
                Route = route, Interface = veth.Peer, Gateway = veth.HostAddress, NetworkNamespace = veth.Namespace,
            }));
            Assert.Equal("lwt", link.Kind);
            Assert.Equal(hook, link.Hook);
            Assert.Null(link.Id); // a route, not a kernel link
            Assert.Equal($"lwt {hook} route {route} dev {veth.Peer} via {veth.HostAddress} netns {veth.Namespace}", link.Target);
            using (var json = JsonDocument.Parse(Sh.Run("ip", "-n", veth.Namespace, "-j", "route", "show", route)))
            {
                var r = Assert.Single(json.RootElement.EnumerateArray());
                Assert.Equal("bpf", r.GetProperty("encap").GetString());
                Assert.Equal($"{name}:[{program.Id!.Value.ToString(CultureInfo.InvariantCulture)}]", r.GetProperty(hook).GetString());
                Assert.Equal(veth.HostAddress, r.GetProperty("gateway").GetString());
                Assert.Equal(veth.Peer, r.GetProperty("dev").GetString());
            }

            // a second program on the same route: the route exists, so the kernel refuses and nothing is left open
            var twice = Assert.Throws<BpfSyscallException>(() => program.Attach(new BpfAttachOptions { Route = route, Interface = veth.Peer, NetworkNamespace = veth.Namespace }));
            Assert.Equal(Native.Errno.EEXIST, twice.Errno);
            Assert.Contains(route, twice.Message, StringComparison.Ordinal);

            Assert.True(Counters.WaitAbove(() => Counters.Sum(runs, slot), 4, trigger) >= 5, $"{name} saw {Counters.Sum(runs, slot)} packets");

            link.Dispose();
            Assert.Equal("[]", Sh.Run("ip", "-n", veth.Namespace, "-j", "route", "show", route).Trim());
            ulong stopped = Counters.Sum(runs, slot);
            try { trigger(); } catch (InvalidOperationException) { /* no route any more: the send may fail, nothing runs */ }
            Assert.Equal(stopped, Counters.Sum(runs, slot));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [FactWhereKernelLacks(KernelFeature.Seg6LocalRoutes)]
    public void Seg6local_attach_on_a_kernel_without_SRv6_says_so_and_leaves_nothing()
    {
        int before = KernelObjects.BpfHandles();
        int n = Interlocked.Increment(ref _net) % 250 + 1;
        string segment = $"fc00:{n:x}::1";
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("lwt")))
        {
            obj.Load();
            var program = obj.Programs["count_seg6"];
            var refused = Assert.Throws<BpfSyscallException>(() => program.Attach(new BpfAttachOptions { Route = segment, Interface = veth.Peer, NetworkNamespace = veth.Namespace }));
            Assert.Equal(Native.Errno.EOPNOTSUPP, refused.Errno);
            Assert.Contains($"{segment}/128", refused.Message, StringComparison.Ordinal);
            Assert.Contains("count_seg6", refused.Message, StringComparison.Ordinal);
            Assert.Contains("CONFIG_IPV6_SEG6_LWTUNNEL", refused.Message, StringComparison.Ordinal);
            Assert.Equal(string.Empty, Sh.Run("ip", "-n", veth.Namespace, "-6", "route", "show", $"{segment}/128").Trim());
            Assert.Empty(program.GetLinks());
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [FactWhereKernelHas(KernelFeature.Seg6LocalRoutes)]
    public void Seg6local_program_runs_as_the_End_BPF_action_of_its_segment()
    {
        int before = KernelObjects.BpfHandles();
        int n = Interlocked.Increment(ref _net) % 250 + 1;
        var segment = IPAddress.Parse($"fc00:{n:x}::1");
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("lwt")))
        {
            obj.Load();
            var program = obj.Programs["count_seg6"];
            var runs = obj.Maps["lwt_runs"];
            var v4 = Assert.Throws<ArgumentException>(() => program.Attach(new BpfAttachOptions { Route = "10.252.0.0/24", Interface = veth.Peer, NetworkNamespace = veth.Namespace }));
            Assert.Contains("IPv6 route", v4.Message, StringComparison.Ordinal);

            var link = Assert.IsType<LwtRouteLink>(program.Attach(new BpfAttachOptions { Route = segment.ToString(), Interface = veth.Peer, NetworkNamespace = veth.Namespace }));
            Assert.Equal("seg6local", link.Hook);
            Assert.Equal($"{segment}/128", link.Route);
            string shown = Sh.Run("ip", "-n", veth.Namespace, "-6", "route", "show", $"{segment}/128");
            Assert.Contains("encap seg6local action End.BPF", shown, StringComparison.Ordinal);
            Assert.Contains($"count_seg6:[{program.Id!.Value.ToString(CultureInfo.InvariantCulture)}]", shown, StringComparison.Ordinal);

            // the host puts an SRv6 packet whose active segment is ours straight onto the wire (AF_PACKET), to the peer's MAC
            var frame = TestPackets.Srv6(Mac(Sh.Run("ip", "netns", "exec", veth.Namespace, "cat", $"/sys/class/net/{veth.Peer}/address")),
                Mac(File.ReadAllText($"/sys/class/net/{veth.Host}/address")), IPAddress.Parse($"fc00:{n:x}::100"), segment, IPAddress.Parse($"fc00:{n:x}::2"));
            Action inject = () => Sh.Run("python3", "-c",
                "import socket, sys; s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind((sys.argv[1], 0)); s.send(bytes.fromhex(sys.argv[2]))",
                veth.Host, Convert.ToHexString(frame));
            Assert.True(Counters.WaitAbove(() => Counters.Sum(runs, 3), 0, inject) >= 1, "End.BPF did not run");

            link.Dispose();
            Assert.Equal(string.Empty, Sh.Run("ip", "-n", veth.Namespace, "-6", "route", "show", $"{segment}/128").Trim());
            ulong stopped = Counters.Sum(runs, 3);
            inject();
            Thread.Sleep(100);
            Assert.Equal(stopped, Counters.Sum(runs, 3));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Lwt_attach_names_what_is_wrong_with_its_route()
    {
        using var obj = BpfObject.Open(Fixtures.Object("lwt"));
        obj.Load();
        var p = obj.Programs["count_xmit"];
        var bad = Assert.Throws<ArgumentException>(() => LwtRouteLink.Attach(p, "10.252.0.5/24", "lo"));
        Assert.Contains("'10.252.0.5/24' is not a prefix", bad.Message, StringComparison.Ordinal);
        var gw = Assert.Throws<ArgumentException>(() => LwtRouteLink.Attach(p, "10.252.0.0/24", "lo", "fc00::1"));
        Assert.Contains("gateway 'fc00::1' is not an IPv4 address", gw.Message, StringComparison.Ordinal);
        var dev = Assert.Throws<ArgumentException>(() => LwtRouteLink.Attach(p, "10.252.0.0/24", "psbpf-no-such-if"));
        Assert.Contains("no network interface 'psbpf-no-such-if'", dev.Message, StringComparison.Ordinal);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        var other = Assert.Throws<ArgumentException>(() => SocketFilterLink.Attach(p, socket));
        Assert.Contains("does not attach as socket_filter (it is lwt)", other.Message, StringComparison.Ordinal);
    }

    private static byte[] Mac(string text) => Convert.FromHexString(text.Trim().Replace(":", "", StringComparison.Ordinal));
}
