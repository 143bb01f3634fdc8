namespace PSBpf.Engine.Tests;

/// <summary>
/// tcx ingress and egress on a veth. libbpf 1.1 predates tcx sections; current libbpf maps SEC("tcx/ingress") to
/// sched_cls with BPF_TCX_INGRESS and attaches with bpf_program__attach_tcx (BPF_LINK_CREATE on the ifindex), as here.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class TcxLinkTests
{
    [Fact]
    public void Tcx_ingress_and_egress_count_bytes_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("tcx")))
        {
            obj.Load();
            var bytes = obj.Maps["tcx_bytes"];
            var target = new BpfAttachOptions { Interface = veth.Host };
            var ingress = Assert.IsType<TcxLink>(obj.Programs["tcx_in"].Attach(target));
            var egress = Assert.IsType<TcxLink>(obj.Programs["tcx_out"].Attach(target));
            Assert.Equal(BpfAttachType.tcx_ingress, ingress.AttachType);
            Assert.Equal(BpfAttachType.tcx_egress, egress.AttachType);
            var info = Counters.KernelLink(ingress);
            Assert.Equal(BpfLinkType.tcx, info.Type);
            Assert.Equal(BpfAttachType.tcx_ingress, info.AttachType);
            Assert.Equal(ingress.InterfaceIndex, info.IfIndex);

            Assert.True(Counters.WaitAbove(() => Counters.Sum(bytes, 0), 0, () => veth.SendFromPeer(2)) > 0);
            Assert.True(Counters.WaitAbove(() => Counters.Sum(bytes, 1), 0, () => veth.SendToPeer(2)) > 0);

            ingress.Dispose();
            egress.Dispose();
            ulong inStopped = Counters.Sum(bytes, 0), outStopped = Counters.Sum(bytes, 1);
            veth.SendFromPeer(3);
            veth.SendToPeer(3);
            Thread.Sleep(200);
            Assert.Equal(inStopped, Counters.Sum(bytes, 0));
            Assert.Equal(outStopped, Counters.Sum(bytes, 1));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
