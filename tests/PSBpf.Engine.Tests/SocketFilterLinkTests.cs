using System.Net;
using System.Net.Sockets;

namespace PSBpf.Engine.Tests;

/// <summary>A socket filter on a packet socket bound to the loopback interface (SO_ATTACH_BPF), counting IP protocols.</summary>
[Collection(KernelCollection.Name)]
public sealed class SocketFilterLinkTests
{
    private const uint Udp = 17;

    [Fact]
    public void Socket_filter_counts_udp_on_its_socket_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("socket_filter")))
        using (var packets = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)0x0300)) // htons(ETH_P_ALL)
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            obj.Load();
            var counts = obj.Maps["ip_proto_count"];
            var program = obj.Programs["socket_count"];
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());
            void SendUdp(int n)
            {
                for (int i = 0; i < n; i++) sender.SendTo("psbpf"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, 9));
            }

            var link = Assert.IsType<SocketFilterLink>(program.Attach(new BpfAttachOptions { Socket = packets }));
            Assert.Null(link.Id); // a socket filter is not a kernel link
            Assert.True(Counters.WaitAbove(() => Counters.Sum(counts, Udp), 0, () => SendUdp(2)) > 0);

            link.Dispose();
            ulong stopped = Counters.Sum(counts, Udp);
            SendUdp(5);
            Thread.Sleep(100);
            Assert.Equal(stopped, Counters.Sum(counts, Udp));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
