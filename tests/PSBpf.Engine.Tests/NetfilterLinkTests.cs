using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Netfilter links (BPF_LINK_CREATE netfilter, libbpf's bpf_program__attach_netfilter; libbpf 1.1 predates it, so the
/// reference is current libbpf's source and bpftool's link listing). Hooked in a namespace of the test's own, where
/// only the test's datagrams flow.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class NetfilterLinkTests
{
    private const string Send = "for i in 1 2 3; do echo psbpf > /dev/udp/127.0.0.1/9; done";

    [Fact]
    public void Netfilter_output_hook_counts_packets_until_detached_and_matches_bpftool()
    {
        int before = KernelObjects.BpfHandles();
        using (var netns = new TestNetns())
        using (var obj = BpfObject.Open(Fixtures.Object("netfilter")))
        {
            obj.Load();
            var packets = obj.Maps["nf_packets"];
            var program = obj.Programs["nf_count"];
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());

            var link = Assert.IsType<NetfilterLink>(program.Attach(new BpfAttachOptions
            {
                NetworkNamespace = netns.Path, NetfilterHook = BpfNetfilterHook.output, NetfilterFamily = BpfNetfilterFamily.ipv4, NetfilterPriority = -128,
            }));
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.netfilter, info.Type);
            Assert.Equal(2u, info.NetfilterProtocolFamily);
            Assert.Equal(3u, info.NetfilterHook);
            Assert.Equal(-128, info.NetfilterPriority);

            using (var json = Bpftool.Json("link", "show", "id", link.Id!.Value.ToString(CultureInfo.InvariantCulture)))
            {
                var j = json.RootElement;
                // bpftool 7.1 (libbpf 1.1) predates the netfilter link's name and prints the number
                var type = j.GetProperty("type");
                if (type.ValueKind == System.Text.Json.JsonValueKind.Number) Assert.Equal((uint)BpfLinkType.netfilter, type.GetUInt32());
                else Assert.Equal("netfilter", type.GetString());
                Assert.Equal(info.ProgramId, j.GetProperty("prog_id").GetUInt32());
                // bpftool 7.1 stops there; the pf/hook/prio/flags fields came with bpftool 7.3 (same names as here)
                if (j.TryGetProperty("pf", out var pf))
                {
                    Assert.Equal(info.NetfilterProtocolFamily, pf.GetUInt32());
                    Assert.Equal(info.NetfilterHook, j.GetProperty("hook").GetUInt32());
                    Assert.Equal(info.NetfilterPriority, j.GetProperty("prio").GetInt32());
                    Assert.Equal(info.NetfilterFlags, j.GetProperty("flags").GetUInt32());
                }
            }

            // the hook is the test namespace's: traffic here does not run it, traffic there does
            Sh.Bash(Send);
            Assert.Equal(0UL, Counters.Sum(packets, 0));
            netns.Bash(Send);
            Assert.True(Counters.Sum(packets, 1) >= 3);

            link.Dispose();
            ulong stopped = Counters.Sum(packets, 0);
            netns.Bash(Send);
            Assert.Equal(stopped, Counters.Sum(packets, 0));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Netfilter_ipv6_input_hook_with_defrag_the_callers_namespace_and_bad_hooks_or_priorities()
    {
        using var netns = new TestNetns();
        using var obj = BpfObject.Open(Fixtures.Object("netfilter"));
        obj.Load();
        var program = obj.Programs["nf_count"];
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => program.Attach(new BpfAttachOptions { NetfilterHook = BpfNetfilterHook.input, NetfilterPriority = int.MinValue }));
        Assert.Contains("nf_count", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => program.Attach(new BpfAttachOptions { NetfilterHook = (BpfNetfilterHook)7 }));
        Assert.Equal(before, KernelObjects.BpfHandles());

        // ipv6 input hook with defrag: the kernel keeps the flag and the family
        using var link = Assert.IsType<NetfilterLink>(program.Attach(new BpfAttachOptions
        {
            NetworkNamespace = netns.Name, NetfilterHook = BpfNetfilterHook.input, NetfilterFamily = BpfNetfilterFamily.ipv6, NetfilterPriority = 10, NetfilterDefrag = true,
        }));
        var info = Counters.KernelLink(link);
        Assert.Equal(10u, info.NetfilterProtocolFamily);
        Assert.Equal(1u, info.NetfilterHook);
        Assert.Equal(1u, info.NetfilterFlags);
        netns.Bash("echo psbpf > /dev/udp/::1/9");
        Assert.True(Counters.Sum(obj.Maps["nf_packets"], 0) >= 1);
        link.Dispose();

        // without NetworkNamespace the hook is in the caller's namespace: a caller thread inside the test namespace
        ulong counted = Counters.Sum(obj.Maps["nf_packets"], 1);
        using var callers = NetworkNamespace.RunInside(netns.Name, () => program.Attach(new BpfAttachOptions { NetfilterHook = BpfNetfilterHook.output }));
        Assert.Null(Assert.IsType<NetfilterLink>(callers).NetworkNamespace);
        netns.Bash("echo psbpf > /dev/udp/127.0.0.1/9");
        Assert.True(Counters.Sum(obj.Maps["nf_packets"], 1) > counted);
    }
}
