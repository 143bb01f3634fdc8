namespace PSBpf.Engine.Tests;

/// <summary>
/// sk_lookup on a network namespace the test creates (libbpf: bpf_program__attach_netns, BPF_LINK_CREATE with the
/// namespace fd). UDP datagrams sent inside the namespace make socket lookups there; none outside it count.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class SkLookupLinkTests
{
    private const string Send = "for i in 1 2 3; do echo psbpf > /dev/udp/127.0.0.1/9; done";

    [Fact]
    public void Sk_lookup_runs_for_lookups_in_its_namespace_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var netns = new TestNetns())
        using (var obj = BpfObject.Open(Fixtures.Object("sk_lookup_count")))
        {
            obj.Load();
            var lookups = obj.Maps["lookups"];
            var program = obj.Programs["count_lookup"];
            Assert.False(program.CanAutoAttach);
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());

            // an `ip netns` name and the path of its file name the same namespace
            var link = Assert.IsType<SkLookupLink>(program.Attach(new BpfAttachOptions { NetworkNamespace = netns.Name }));
            Assert.Equal("netns", link.Kind);
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.netns, info.Type);
            Assert.Equal(BpfAttachType.sk_lookup, info.AttachType);
            Assert.Equal(netns.Inode(), (ulong)info.NetnsInode!.Value);
            Assert.Equal(program.Id, info.ProgramId);

            using (var json = Bpftool.Json("link", "show", "id", link.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                var j = json.RootElement;
                Assert.Equal("netns", j.GetProperty("type").GetString());
                Assert.Equal(info.NetnsInode!.Value, j.GetProperty("netns_ino").GetUInt32());
                Assert.Equal("sk_lookup", j.GetProperty("attach_type").GetString());
            }

            // traffic outside the namespace does not reach it; traffic inside does, to port 9
            Sh.Bash(Send);
            Assert.Equal(0UL, Counters.Sum(lookups, 0));
            netns.Bash(Send);
            Assert.True(Counters.Sum(lookups, 1) >= 3);
            Assert.True(Counters.Sum(lookups, 0) >= Counters.Sum(lookups, 1));

            link.Dispose();
            Assert.Null(link.Id);
            ulong stopped = Counters.Sum(lookups, 0);
            netns.Bash(Send);
            Assert.Equal(stopped, Counters.Sum(lookups, 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Sk_lookup_names_a_missing_namespace()
    {
        using var obj = BpfObject.Open(Fixtures.Object("sk_lookup_count"));
        obj.Load();
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<BpfSyscallException>(() => obj.Programs["count_lookup"].Attach(new BpfAttachOptions { NetworkNamespace = "psbpf-attach-no-such-netns" }));
        Assert.Equal("ENOENT", e.ErrorName);
        Assert.Contains("/run/netns/psbpf-attach-no-such-netns", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    /// <summary>
    /// The sk_lookup fixture (libbpf's test_progs style): connections to an unused port in the namespace are steered to
    /// a listening socket of the test's own, held in a SOCKMAP; once detached the port refuses again.
    /// </summary>
    [Fact]
    public void Sk_lookup_steers_connections_to_a_socket_in_a_sockmap_until_detached()
    {
        const ushort SteeredPort = 7777;
        string connect = $"exec 3<>/dev/tcp/127.0.0.1/{SteeredPort} && echo psbpf >&3";
        int before = KernelObjects.BpfHandles();
        using (var netns = new TestNetns())
        using (var obj = BpfObject.Open(Fixtures.Object("sk_lookup")))
        {
            obj.Globals["steer_port"].Value = SteeredPort;
            obj.Load();
            // the listener must live in the namespace: sockets belong to the namespace of the thread that makes them
            using var listener = NetworkNamespace.RunInside(netns.Name, () =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                s.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8888));
                s.Listen(8);
                return s;
            });
            obj.Maps["redir_sock"].Update(Counters.U32(0), BitConverter.GetBytes((ulong)listener.Handle));

            // nothing listens on the steered port before the attach
            Assert.NotEqual(0, Sh.Capture("ip", "netns", "exec", netns.Name, "bash", "-c", connect).ExitCode);

            using (var link = Assert.IsType<SkLookupLink>(obj.Programs["steer"].Attach(new BpfAttachOptions { NetworkNamespace = netns.Path })))
            {
                netns.Bash(connect);
                Assert.True(listener.Poll(5_000_000, System.Net.Sockets.SelectMode.SelectRead), "the steered connection did not reach the listener");
                using var accepted = listener.Accept();
                Assert.Equal(SteeredPort, ((System.Net.IPEndPoint)accepted.LocalEndPoint!).Port); // the client asked for 7777
                var buffer = new byte[16];
                int n = accepted.Receive(buffer);
                Assert.Equal("psbpf\n", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            }

            Assert.NotEqual(0, Sh.Capture("ip", "netns", "exec", netns.Name, "bash", "-c", connect).ExitCode);
            Assert.False(listener.Poll(200_000, System.Net.Sockets.SelectMode.SelectRead));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
