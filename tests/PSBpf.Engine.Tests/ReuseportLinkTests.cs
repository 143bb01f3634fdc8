using System.Net;
using System.Net.Sockets;

namespace PSBpf.Engine.Tests;

/// <summary>
/// sk_reuseport on the test's own SO_REUSEPORT group: two UDP sockets bound to one 127.0.0.1 port. Each datagram to
/// the port asks the program which socket gets it; once detached the kernel picks by hash alone.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ReuseportLinkTests
{
    private static Socket ReuseportUdp(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.SetRawSocketOption(1, 15, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEPORT
        s.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    private static void Send(int port, int count)
    {
        // a new source port each time, so the datagrams are new flows for the group
        for (int i = 0; i < count; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.SendTo("psbpf"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    private static int Drain(params Socket[] sockets)
    {
        int n = 0;
        var buffer = new byte[64];
        foreach (var s in sockets)
            while (s.Poll(200_000, SelectMode.SelectRead)) { s.Receive(buffer); n++; }
        return n;
    }

    [Fact]
    public void Sk_reuseport_selects_for_the_group_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("reuseport_count")))
        {
            obj.Load();
            var selections = obj.Maps["selections"];
            var program = obj.Programs["count_select"];
            Assert.False(program.CanAutoAttach);
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());

            using var first = ReuseportUdp(0);
            int port = ((IPEndPoint)first.LocalEndPoint!).Port;
            using var second = ReuseportUdp(port);
            var link = Assert.IsType<ReuseportLink>(program.Attach(new BpfAttachOptions { Socket = first }));
            Assert.Equal("sk_reuseport", link.Kind);
            Assert.Null(link.Id);
            Assert.Equal(BpfPinFailure.NotPinnable, Assert.Throws<BpfPinException>(() => link.Pin("/sys/fs/bpf/psbpf-reuseport")).Failure);

            Send(port, 5);
            Assert.Equal(5, Drain(first, second));
            Assert.Equal(5UL, Counters.Sum(selections, 0));

            link.Dispose();
            Send(port, 3);
            Assert.Equal(3, Drain(first, second));
            Assert.Equal(5UL, Counters.Sum(selections, 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Sk_reuseport_refuses_a_socket_without_a_reuseport_group()
    {
        using var obj = BpfObject.Open(Fixtures.Object("reuseport_count"));
        obj.Load();
        int before = KernelObjects.BpfHandles();
        using var plain = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        plain.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var e = Assert.Throws<BpfSyscallException>(() => ReuseportLink.Attach(obj.Programs["count_select"], plain));
        Assert.Equal("EINVAL", e.ErrorName);
        Assert.Contains("SO_ATTACH_REUSEPORT_EBPF", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
