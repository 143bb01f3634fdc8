namespace PSBpf.Engine.Tests;

/// <summary>
/// tcx chain order (BPF_F_BEFORE/BPF_F_AFTER with BPF_F_ID, libbpf's bpf_tcx_opts): order_pass ends the chain, so
/// order_next runs only when it sits before order_pass. The counters show where the kernel put each program.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class TcxOrderLinkTests
{
    [Fact]
    public void Tcx_before_and_after_place_programs_in_the_chain()
    {
        int before = KernelObjects.BpfHandles();
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("tcx_order")))
        {
            obj.Load();
            var runs = obj.Maps["order_runs"];
            var pass = obj.Programs["order_pass"];
            var next = obj.Programs["order_next"];
            using var passLink = pass.Attach(new BpfAttachOptions { Interface = veth.Host });

            // after order_pass: the chain ends before it gets a packet
            using (var after = Assert.IsType<TcxLink>(next.Attach(new BpfAttachOptions { Interface = veth.Host, TcxAfter = pass.Id })))
            {
                Assert.True(Counters.WaitAbove(() => Counters.Sum(runs, 0), 0, () => veth.SendFromPeer(2)) > 0);
                Assert.Equal(0UL, Counters.Sum(runs, 1));
            }

            // before order_pass (by id), then first of all (id 0): order_next sees the packets too
            foreach (var options in new[] { new BpfAttachOptions { Interface = veth.Host, TcxBefore = pass.Id }, new BpfAttachOptions { Interface = veth.Host, TcxBefore = 0 } })
            {
                ulong seen = Counters.Sum(runs, 1);
                using var link = Assert.IsType<TcxLink>(next.Attach(options));
                Assert.Equal(BpfLinkType.tcx, Counters.KernelLink(link).Type);
                Assert.True(Counters.WaitAbove(() => Counters.Sum(runs, 1), seen, () => veth.SendFromPeer(2)) > seen);
            }

            // a program id that is not in the chain: the kernel refuses (ENOENT), nothing is left attached
            var e = Assert.Throws<BpfSyscallException>(() => next.Attach(new BpfAttachOptions { Interface = veth.Host, TcxAfter = next.Id }));
            Assert.Contains("after program", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => next.Attach(new BpfAttachOptions { Interface = veth.Host, TcxAfter = 0, TcxBefore = 0 }));
            Assert.Empty(next.GetLinks());
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
