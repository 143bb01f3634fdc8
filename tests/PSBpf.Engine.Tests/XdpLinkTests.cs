namespace PSBpf.Engine.Tests;

/// <summary>XDP on the host end of a veth pair whose peer lives in a namespace of the test's own.</summary>
[Collection(KernelCollection.Name)]
public sealed class XdpLinkTests
{
    [Theory]
    [InlineData(BpfXdpMode.Default)]
    [InlineData(BpfXdpMode.Generic)]
    public void Xdp_counts_packets_arriving_on_the_interface_until_detached(BpfXdpMode mode)
    {
        int before = KernelObjects.BpfHandles();
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("xdp")))
        {
            obj.Load();
            var program = obj.Programs["xdp_count"];
            Assert.False(program.CanAutoAttach);
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());
            var counts = obj.Maps["pkt_count"];

            var link = Assert.IsType<XdpLink>(program.Attach(new BpfAttachOptions { Interface = veth.Host, XdpMode = mode }));
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.xdp, info.Type);
            Assert.Equal(link.InterfaceIndex, info.IfIndex);
            using (var doc = Bpftool.Json("link", "show", "id", link.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                // bpftool is the reference for link show: same type and program (7.1 does not print an XDP link's ifindex yet)
                Assert.Equal("xdp", doc.RootElement.GetProperty("type").GetString());
                Assert.Equal(program.Id, doc.RootElement.GetProperty("prog_id").GetUInt32());
                if (doc.RootElement.TryGetProperty("ifindex", out var ifindex)) Assert.Equal(link.InterfaceIndex, ifindex.GetUInt32());
            }


            ulong seen = Counters.WaitAbove(() => Counters.Sum(counts, 0), 0, () => veth.SendFromPeer(3));
            Assert.True(seen > 0, "no packet reached the XDP program");

            link.Dispose();
            Assert.Null(BpfInspection.GetLinks(false, false).FirstOrDefault(l => l.ProgramId == program.Id));
            ulong stopped = Counters.Sum(counts, 0);
            veth.SendFromPeer(5);
            Thread.Sleep(200);
            Assert.Equal(stopped, Counters.Sum(counts, 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void An_unknown_interface_is_an_argument_error()
    {
        using var obj = BpfObject.Open(Fixtures.Object("xdp"));
        obj.Load();
        var e = Assert.Throws<ArgumentException>(() => obj.Programs["xdp_count"].Attach(new BpfAttachOptions { Interface = "psbpf-nope0" }));
        Assert.Contains("psbpf-nope0", e.Message, StringComparison.Ordinal);
    }
}
