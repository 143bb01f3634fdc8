using System.Globalization;
using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Classic tc over rtnetlink: clsact qdisc plus cls_bpf direct-action filters on a veth, the way libbpf's
/// bpf_tc_hook_create/bpf_tc_attach and `tc filter add dev X ingress bpf da` set them up. `tc -j` is the reference
/// for what the kernel holds.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class TcClassicLinkTests
{
    [Fact]
    public void Classic_tc_filters_count_packets_show_in_tc_and_go_away_with_their_qdisc()
    {
        int before = KernelObjects.BpfHandles();
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("tc_classic")))
        {
            obj.Load();
            var packets = obj.Maps["tc_packets"];
            var inProgram = obj.Programs["tc_count_in"];
            var outProgram = obj.Programs["tc_count_out"];
            Assert.Empty(Qdiscs(veth.Host, "clsact"));

            var ingress = Assert.IsType<TcClassicLink>(inProgram.Attach(new BpfAttachOptions
            {
                Interface = veth.Host, AttachType = BpfAttachType.tcx_ingress, TcMode = BpfTcMode.Classic,
            }));
            var egress = Assert.IsType<TcClassicLink>(outProgram.Attach(new BpfAttachOptions
            {
                Interface = veth.Host, AttachType = BpfAttachType.tcx_egress, TcMode = BpfTcMode.Classic, TcHandle = 7, TcPriority = 3,
            }));
            Assert.True(ingress.CreatedQdisc);
            Assert.False(egress.CreatedQdisc);
            Assert.Null(ingress.Id); // filters are not kernel links
            Assert.NotEqual(0u, ingress.Handle);
            Assert.NotEqual(0, ingress.Priority);
            Assert.Equal(7u, egress.Handle);
            Assert.Equal(3, egress.Priority);
            Assert.Single(Qdiscs(veth.Host, "clsact"));

            // tc sees each filter with our program id, handle, priority and direct-action
            var inFilter = Assert.Single(BpfFilters(veth.Host, "ingress"));
            Assert.Equal(inProgram.Id, inFilter.GetProperty("options").GetProperty("prog").GetProperty("id").GetUInt32());
            Assert.Equal(ingress.Priority, inFilter.GetProperty("pref").GetInt32());
            Assert.Equal(ingress.Handle, ParseHandle(inFilter.GetProperty("options").GetProperty("handle").GetString()!));
            Assert.True(inFilter.GetProperty("options").GetProperty("direct-action").GetBoolean());
            Assert.StartsWith("tc_count_in", inFilter.GetProperty("options").GetProperty("bpf_name").GetString(), StringComparison.Ordinal);
            var outFilter = Assert.Single(BpfFilters(veth.Host, "egress"));
            Assert.Equal(outProgram.Id, outFilter.GetProperty("options").GetProperty("prog").GetProperty("id").GetUInt32());
            Assert.Equal(3, outFilter.GetProperty("pref").GetInt32());
            Assert.Equal(7u, ParseHandle(outFilter.GetProperty("options").GetProperty("handle").GetString()!));

            Assert.True(Counters.WaitAbove(() => Counters.Sum(packets, 0), 0, () => veth.SendFromPeer(2)) > 0);
            Assert.True(Counters.WaitAbove(() => Counters.Sum(packets, 1), 0, () => veth.SendToPeer(2)) > 0);

            // the qdisc's creator goes first: the other filter still uses it, so the qdisc stays
            ingress.Dispose();
            Assert.Empty(BpfFilters(veth.Host, "ingress"));
            Assert.Single(Qdiscs(veth.Host, "clsact"));
            ulong inStopped = Counters.Sum(packets, 0);
            veth.SendFromPeer(3);

            egress.Dispose();
            Assert.Empty(BpfFilters(veth.Host, "egress"));
            ulong outStopped = Counters.Sum(packets, 1);
            veth.SendToPeer(3);
            Thread.Sleep(200);
            Assert.Equal(inStopped, Counters.Sum(packets, 0));
            Assert.Equal(outStopped, Counters.Sum(packets, 1));
            // the last of our attachments on the qdisc we created removes it, whichever created it
            Assert.Empty(Qdiscs(veth.Host, "clsact"));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Classic_tc_removes_the_qdisc_it_created_once_empty_and_reports_netlink_errors()
    {
        int before = KernelObjects.BpfHandles();
        using (var veth = new VethPair())
        using (var obj = BpfObject.Open(Fixtures.Object("tc_classic")))
        {
            obj.Load();
            var program = obj.Programs["tc_count_in"];
            var options = new BpfAttachOptions { Interface = veth.Host, AttachType = BpfAttachType.tcx_ingress, TcMode = BpfTcMode.Classic, TcHandle = 1, TcPriority = 1 };
            using (var link = Assert.IsType<TcClassicLink>(program.Attach(options)))
            {
                Assert.True(link.CreatedQdisc);
                // the same handle and priority again: the kernel refuses (EEXIST), the first filter stays
                var e = Assert.Throws<BpfSyscallException>(() => obj.Programs["tc_count_out"].Attach(options));
                Assert.Equal("EEXIST", e.ErrorName);
                Assert.Contains("(Filter already exists)", e.Message, StringComparison.Ordinal); // the kernel's extended ack
                Assert.Contains("RTM_NEWTFILTER", e.Message, StringComparison.Ordinal);
                Assert.Contains(veth.Host, e.Message, StringComparison.Ordinal);
                Assert.Single(BpfFilters(veth.Host, "ingress"));
            }

            Assert.Empty(BpfFilters(veth.Host, "ingress"));
            Assert.Empty(Qdiscs(veth.Host, "clsact"));

            // a program that is not sched_cls: cls_bpf refuses the fd with an extended-ack message
            using var xdp = BpfObject.Open(Fixtures.Object("xdp"));
            xdp.Load();
            var notTc = xdp.Programs.First();
            var bad = Assert.Throws<BpfSyscallException>(() => Engine.TcClassicLink.Create(notTc, veth.Host, BpfAttachType.tcx_ingress, 0, 0));
            Assert.Contains("RTM_NEWTFILTER", bad.Message, StringComparison.Ordinal);
            Assert.Empty(Qdiscs(veth.Host, "clsact")); // the qdisc made for it went away again

            // a clsact qdisc someone else made stays when our filter goes
            Sh.Run("tc", "qdisc", "add", "dev", veth.Host, "clsact");
            using (var onTheirs = Assert.IsType<TcClassicLink>(program.Attach(options)))
            {
                Assert.False(onTheirs.CreatedQdisc);
            }

            Assert.Empty(BpfFilters(veth.Host, "ingress"));
            Assert.Single(Qdiscs(veth.Host, "clsact"));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Auto_mode_takes_tcx_where_the_kernel_has_it()
    {
        using var veth = new VethPair();
        using var obj = BpfObject.Open(Fixtures.Object("tc_classic"));
        obj.Load();
        using var link = obj.Programs["tc_count_in"].Attach(new BpfAttachOptions { Interface = veth.Host, AttachType = BpfAttachType.tcx_ingress });
        Assert.IsType<TcxLink>(link);
        Assert.Equal(BpfLinkType.tcx, Counters.KernelLink(link).Type);
        Assert.Empty(Qdiscs(veth.Host, "clsact"));
    }

    private static uint ParseHandle(string handle) =>
        handle.StartsWith("0x", StringComparison.Ordinal) ? uint.Parse(handle[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : uint.Parse(handle, CultureInfo.InvariantCulture);

    /// <summary>`tc -j filter show dev IF ingress|egress`: the cls_bpf filters with a handle (not the per-priority heads).</summary>
    private static List<JsonElement> BpfFilters(string iface, string side) =>
        Tc("filter", "show", "dev", iface, side).Where(f => f.TryGetProperty("kind", out var k) && k.GetString() == "bpf" && f.TryGetProperty("options", out var o) && o.TryGetProperty("handle", out _)).ToList();

    private static List<JsonElement> Qdiscs(string iface, string kind) =>
        Tc("qdisc", "show", "dev", iface).Where(q => q.GetProperty("kind").GetString() == kind).ToList();

    private static List<JsonElement> Tc(params string[] args)
    {
        string stdout = Sh.Run("tc", ["-j", .. args]);
        if (string.IsNullOrWhiteSpace(stdout)) return [];
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
