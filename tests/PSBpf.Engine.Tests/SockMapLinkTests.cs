using System.Net;
using System.Net.Sockets;

namespace PSBpf.Engine.Tests;

/// <summary>
/// sk_msg and sk_skb programs on a sockmap (libbpf: bpf_program__attach_sockmap, a BPF_LINK_TYPE_SOCKMAP link). The
/// test's own TCP pair on 127.0.0.1 goes into the map after the attach (a socket takes the map's programs when it is
/// added); data sent over it runs the programs. A pair added after the detach runs nothing. The same on a sockhash, with
/// an sk_msg and a stream verdict program attached together.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class SockMapLinkTests
{
    private static (Socket Client, Socket Server) TcpPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        return (client, listener.Accept());
    }

    private static void Insert(BpfMap map, uint key, Socket s) => map.Update(Counters.U32(key), BitConverter.GetBytes((ulong)s.Handle));

    private static string SendAndReceive(Socket from, Socket to, string text)
    {
        from.Send(System.Text.Encoding.ASCII.GetBytes(text));
        Assert.True(to.Poll(5_000_000, SelectMode.SelectRead), "the data did not arrive");
        var buffer = new byte[64];
        int n = to.Receive(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
    }

    [Theory]
    [InlineData("count_msg", BpfAttachType.sk_msg_verdict, 0u)]
    [InlineData("count_stream", BpfAttachType.sk_skb_stream_verdict, 1u)]
    [InlineData("count_verdict", BpfAttachType.sk_skb_verdict, 2u)]
    public void Sockmap_program_runs_for_sockets_in_the_map_until_detached(string name, BpfAttachType attachType, uint slot)
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("sockmap_count")))
        {
            obj.Load();
            var socks = obj.Maps["socks"];
            var counts = obj.Maps["counts"];
            var program = obj.Programs[name];
            Assert.False(program.CanAutoAttach);
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());

            var link = Assert.IsType<SockMapLink>(program.Attach(new BpfAttachOptions { SockMap = socks }));
            Assert.Equal("sockmap", link.Kind);
            Assert.Equal(attachType, link.AttachType);
            Assert.False(link.IsLegacy);
            AssertKernelSockMapLink(link, program, socks, attachType);
            Assert.Contains(BpfInspection.GetLinks(false, false), l => l.Id == link.Id && l.Type == BpfLinkType.sockmap);

            var (client, server) = TcpPair();
            using (client)
            using (server)
            {
                Insert(socks, 0, client);
                Insert(socks, 1, server);
                Assert.Equal("psbpf", SendAndReceive(client, server, "psbpf"));
                Assert.True(Counters.Sum(counts, slot) >= 1, $"{name} did not run");

                link.Dispose();
                Assert.Null(link.Id);
                Assert.DoesNotContain(BpfInspection.GetLinks(false, false), l => l.Type == BpfLinkType.sockmap && l.ProgramId == program.Id);
            }

            // a socket takes the map's programs when it is added (closing took the first pair out): after the detach there are none
            ulong stopped = Counters.Sum(counts, slot);
            var (client2, server2) = TcpPair();
            using (client2)
            using (server2)
            {
                Insert(socks, 2, client2);
                Insert(socks, 3, server2);
                Assert.Equal("again", SendAndReceive(client2, server2, "again"));
                Assert.Equal(stopped, Counters.Sum(counts, slot));
            }
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    /// <summary>The kernel's view of a sockmap link (BPF_OBJ_GET_INFO_BY_FD): its type, attach type, map and program.</summary>
    private static void AssertKernelSockMapLink(SockMapLink link, BpfProgram program, BpfMap map, BpfAttachType attachType)
    {
        var info = Counters.KernelLink(link);
        Assert.Equal(BpfLinkType.sockmap, info.Type);
        Assert.Equal(attachType, info.AttachType);
        Assert.Equal(map.Id, info.MapId);
        Assert.Equal(program.Id, info.ProgramId);
    }

    /// <summary>bpftool's view of a sockmap link: bpftool 7.1 (libbpf 1.1) predates the sockmap link type and prints only its
    /// number and the program; map_id and attach_type came with bpftool 7.5, checked when they are there.</summary>
    private static void AssertBpftoolSockMapLink(SockMapLink link, BpfProgram program, BpfMap map)
    {
        using var json = Bpftool.Json("link", "show", "id", link.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var j = json.RootElement;
        var type = j.GetProperty("type");
        if (type.ValueKind == System.Text.Json.JsonValueKind.Number) Assert.Equal((uint)BpfLinkType.sockmap, type.GetUInt32());
        else Assert.Equal("sockmap", type.GetString());
        Assert.Equal(program.Id, j.GetProperty("prog_id").GetUInt32());
        if (j.TryGetProperty("map_id", out var mapId)) Assert.Equal(map.Id, mapId.GetUInt32());
        if (j.TryGetProperty("attach_type", out var attach)) Assert.Equal(link.AttachType.ToString(), attach.GetString());
    }

    [Fact]
    public void Sockhash_runs_msg_and_stream_verdict_programs_for_sockets_in_the_hash_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("sockhash_count")))
        {
            obj.Load();
            var hash = obj.Maps["sock_hash"];
            Assert.Equal(BpfMapType.sockhash, hash.Type);
            var counts = obj.Maps["counts"];

            // both programs on the one map at once: sk_msg runs on the sender's sendmsg, the stream verdict on the receiver's skbs
            var links = new[] { (Program: obj.Programs["hash_msg"], Type: BpfAttachType.sk_msg_verdict), (Program: obj.Programs["hash_stream"], Type: BpfAttachType.sk_skb_stream_verdict) }
                .Select(p => (Link: Assert.IsType<SockMapLink>(p.Program.Attach(new BpfAttachOptions { SockMap = hash })), p.Program, p.Type))
                .ToList();
            foreach (var (link, program, type) in links)
            {
                Assert.Equal(type, link.AttachType);
                Assert.False(link.IsLegacy);
                Assert.Same(hash, link.SockMap);
                AssertKernelSockMapLink(link, program, hash, type);
                AssertBpftoolSockMapLink(link, program, hash);
            }

            // a sockhash's keys are arbitrary: not indexes as in a sockmap
            var (client, server) = TcpPair();
            using (client)
            using (server)
            {
                Insert(hash, 0xC0FFEE, client);
                Insert(hash, 0xBEEF, server);
                Assert.Equal("psbpf", SendAndReceive(client, server, "psbpf"));
                Assert.Equal("hash", SendAndReceive(server, client, "hash"));
                Assert.True(Counters.Sum(counts, 0) >= 2, "hash_msg did not run for both sends");
                Assert.True(Counters.Sum(counts, 1) >= 2, "hash_stream did not run for both receives");

                foreach (var (link, _, _) in links)
                {
                    uint id = link.Id!.Value;
                    link.Dispose();
                    Assert.Null(link.Id);
                    Assert.DoesNotContain(BpfInspection.GetLinks(false, false), l => l.Id == id);
                }
            }

            // closing the sockets took them out of the hash; a pair added after the detach runs neither program
            ulong msgs = Counters.Sum(counts, 0), skbs = Counters.Sum(counts, 1);
            var (client2, server2) = TcpPair();
            using (client2)
            using (server2)
            {
                Insert(hash, 0xC0FFEE, client2);
                Insert(hash, 0xBEEF, server2);
                Assert.Equal("again", SendAndReceive(client2, server2, "again"));
                Assert.Equal("back", SendAndReceive(server2, client2, "back"));
                Assert.Equal(msgs, Counters.Sum(counts, 0));
                Assert.Equal(skbs, Counters.Sum(counts, 1));
            }
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Sockmap_link_pins_and_legacy_prog_attach_detaches()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("sockmap_count")))
        {
            obj.Load();
            var socks = obj.Maps["socks"];
            var counts = obj.Maps["counts"];
            var program = obj.Programs["count_msg"];

            // BPF_PROG_ATTACH with the map fd: no kernel link, so no pin, but it runs and BPF_PROG_DETACH ends it
            var legacy = SockMapLink.Attach(program, socks, legacy: true);
            Assert.True(legacy.IsLegacy);
            Assert.Null(legacy.Id);
            var pin = Assert.Throws<BpfPinException>(() => legacy.Pin("/sys/fs/bpf/psbpf-sockmap-legacy"));
            Assert.Equal(BpfPinFailure.NotPinnable, pin.Failure);
            var (client, server) = TcpPair();
            using (client)
            using (server)
            {
                Insert(socks, 0, client);
                Insert(socks, 1, server);
                SendAndReceive(client, server, "legacy");
                Assert.True(Counters.Sum(counts, 0) >= 1);
                legacy.Dispose();
            }

            // closing the sockets took them out of the map; a new pair after BPF_PROG_DETACH runs nothing
            ulong stopped = Counters.Sum(counts, 0);
            var (client2, server2) = TcpPair();
            using (client2)
            using (server2)
            {
                Insert(socks, 0, client2);
                Insert(socks, 1, server2);
                SendAndReceive(client2, server2, "detached");
                Assert.Equal(stopped, Counters.Sum(counts, 0));
            }

            // the attach type is free again once detached, and the link form pins
            using var link = SockMapLink.Attach(program, socks);
            const string path = "/sys/fs/bpf/psbpf-sockmap-link";
            link.Pin(path);
            try
            {
                Assert.True(File.Exists(path));
            }
            finally
            {
                Assert.True(link.Unpin());
            }

            Assert.False(File.Exists(path));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Sockmap_attach_refuses_other_maps_and_attach_types()
    {
        using var obj = BpfObject.Open(Fixtures.Object("sockmap_count"));
        obj.Load();
        int before = KernelObjects.BpfHandles();
        var msg = obj.Programs["count_msg"];
        var wrongMap = Assert.Throws<ArgumentException>(() => SockMapLink.Attach(msg, obj.Maps["counts"]));
        Assert.Contains("sockmap or sockhash", wrongMap.Message, StringComparison.Ordinal);
        Assert.Contains("array", wrongMap.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SockMapLink.Attach(msg, obj.Maps["socks"], BpfAttachType.sk_skb_stream_parser));
        Assert.Throws<ArgumentException>(() => SockMapLink.Attach(obj.Programs["count_stream"], obj.Maps["socks"], BpfAttachType.sk_msg_verdict));
        Assert.Throws<ArgumentNullException>(() => SockMapLink.Attach(msg, null!));
        // a bare SEC("sk_skb") says no hook: the map alone is not enough
        Assert.Throws<BpfAttachTargetRequiredException>(() => obj.Programs["count_skb"].Attach(new BpfAttachOptions { SockMap = obj.Maps["socks"] }));
        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
