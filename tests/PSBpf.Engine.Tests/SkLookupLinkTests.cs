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
}
