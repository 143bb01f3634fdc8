using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The cgroup hooks CgroupLinkTests leaves out: ingress driven by packets that sockets in the cgroup receive, the
/// BPF_PROG_ATTACH path (forced with Legacy, the one kernels before cgroup links take), and cgroup/sock_create driven by
/// socket() calls of a process in the cgroup.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class CgroupIngressAndLegacyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cgroup_skb_ingress_counts_packets_received_in_the_cgroup_until_detached(bool legacy)
    {
        int before = KernelObjects.BpfHandles();
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        using (var cgroup = new TestCgroup())
        using (var obj = BpfObject.Open(Fixtures.Object("cgroup_skb")))
        {
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            // the client socket lives in the cgroup: the SYN-ACK it receives passes its ingress hook
            string connect = $"exec 3<>/dev/tcp/127.0.0.1/{port} && exec 3>&-";
            obj.Load();
            var traffic = obj.Maps["cg_traffic"];
            var program = obj.Programs["cg_ingress"];
            var link = program.Attach(new BpfAttachOptions { CgroupPath = cgroup.Path, Legacy = legacy });
            if (legacy)
            {
                var attachment = Assert.IsType<CgroupProgAttachment>(link);
                Assert.Equal(BpfAttachType.cgroup_inet_ingress, attachment.AttachType);
                Assert.Null(link.Id); // not a kernel link
                Assert.DoesNotContain(BpfInspection.GetLinks(includePids: false, includePinnedPaths: false), l => l.ProgramId == program.Id);
            }
            else
            {
                Assert.Equal(BpfAttachType.cgroup_inet_ingress, Counters.KernelLink(link).AttachType);
            }

            // bpftool's view of the cgroup: our program on the ingress hook, as a link or a multi attachment
            var entry = Assert.Single(CgroupPrograms(cgroup.Path), e => e.GetProperty("id").GetUInt32() == program.Id);
            Assert.Equal("cgroup_inet_ingress", entry.GetProperty("attach_type").GetString());
            if (legacy) Assert.Equal("multi", entry.GetProperty("attach_flags").GetString());

            Sh.Bash(connect);
            Assert.Equal(0UL, Counters.Sum(traffic, 0));
            cgroup.RunInside(connect);
            Assert.True(Counters.Sum(traffic, 0) >= 1);

            link.Dispose();
            Assert.DoesNotContain(CgroupPrograms(cgroup.Path), e => e.GetProperty("id").GetUInt32() == program.Id);

            ulong stopped = Counters.Sum(traffic, 0);
            cgroup.RunInside(connect);
            Assert.Equal(stopped, Counters.Sum(traffic, 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Cgroup_sock_create_counts_sockets_made_in_the_cgroup_until_detached()
    {
        const string MakeSockets = "for i in 1 2 3; do echo psbpf > /dev/udp/127.0.0.1/9; done";
        int before = KernelObjects.BpfHandles();
        using (var cgroup = new TestCgroup())
        using (var obj = BpfObject.Open(Fixtures.Object("cgroup_sock")))
        {
            obj.Load();
            var live = obj.Maps["live_socks"];
            var link = Assert.IsType<CgroupLink>(obj.Programs["sock_create"].Attach(new BpfAttachOptions { CgroupPath = cgroup.Path }));
            Assert.Equal(BpfAttachType.cgroup_inet_sock_create, link.AttachType);
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfAttachType.cgroup_inet_sock_create, info.AttachType);
            using (var json = Bpftool.Json("link", "show", "id", link.Id!.Value.ToString(CultureInfo.InvariantCulture)))
            {
                Assert.Equal(info.CgroupId, json.RootElement.GetProperty("cgroup_id").GetUInt64());
                Assert.Equal("cgroup_inet_sock_create", json.RootElement.GetProperty("attach_type").GetString());
            }

            using (var mine = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)) { } // outside the cgroup
            Assert.Equal(0UL, Counters.Sum(live, 0));
            cgroup.RunInside(MakeSockets); // one AF_INET socket per redirection
            Assert.True(Counters.Sum(live, 0) >= 3);

            link.Dispose();
            ulong stopped = Counters.Sum(live, 0);
            cgroup.RunInside(MakeSockets);
            Assert.Equal(stopped, Counters.Sum(live, 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    /// <summary>`bpftool -j cgroup show`: the programs on a cgroup (bpftool prints nothing at all for none).</summary>
    private static List<System.Text.Json.JsonElement> CgroupPrograms(string path)
    {
        var (exit, stdout, stderr) = Sh.Capture(Bpftool.Path, "-j", "cgroup", "show", path);
        Assert.True(exit == 0, stderr);
        if (string.IsNullOrWhiteSpace(stdout)) return [];
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
