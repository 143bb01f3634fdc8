namespace PSBpf.Engine.Tests;

/// <summary>cgroup_skb egress on a cgroup the test creates; a child process moved into it makes the traffic.</summary>
[Collection(KernelCollection.Name)]
public sealed class CgroupLinkTests
{
    private const string Send = "for i in 1 2 3; do echo psbpf > /dev/udp/127.0.0.1/9; done";

    [Fact]
    public void Cgroup_skb_counts_traffic_of_processes_in_the_cgroup_until_detached()
    {
        int before = KernelObjects.BpfHandles();
        using (var cgroup = new TestCgroup())
        using (var obj = BpfObject.Open(Fixtures.Object("cgroup_skb")))
        {
            obj.Load();
            var traffic = obj.Maps["cg_traffic"];
            var program = obj.Programs["cg_egress"];
            Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());

            var link = Assert.IsType<CgroupLink>(program.Attach(new BpfAttachOptions { CgroupPath = cgroup.Path }));
            Assert.Equal(BpfAttachType.cgroup_inet_egress, link.AttachType);
            var info = Counters.KernelLink(link);
            Assert.Equal(BpfLinkType.cgroup, info.Type);
            Assert.Equal(BpfAttachType.cgroup_inet_egress, info.AttachType);

            // the ingress program takes its own hook from SEC("cgroup_skb/ingress") on the same cgroup
            using var ingress = Assert.IsType<CgroupLink>(obj.Programs["cg_ingress"].Attach(new BpfAttachOptions { CgroupPath = cgroup.Path }));
            Assert.Equal(BpfAttachType.cgroup_inet_ingress, Counters.KernelLink(ingress).AttachType);
            Assert.Equal(info.CgroupId, Counters.KernelLink(ingress).CgroupId);

            // packets from outside the cgroup are not counted; ours are
            Sh.Bash(Send);
            Assert.Equal(0UL, Counters.Sum(traffic, 1));
            cgroup.RunInside(Send);
            Assert.True(Counters.Sum(traffic, 1) >= 3);

            link.Dispose();
            ulong stopped = Counters.Sum(traffic, 1);
            cgroup.RunInside(Send);
            Assert.Equal(stopped, Counters.Sum(traffic, 1));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_directory_that_is_no_cgroup_is_refused_by_name_and_nothing_stays_open(bool legacy)
    {
        // a hybrid host's /sys/fs/cgroup is a tmpfs: the kernel answers its directories (and any other) with a bare EBADF
        var dir = Directory.CreateTempSubdirectory("psbpf-not-cgroup-").FullName;
        try
        {
            using var obj = BpfObject.Open(Fixtures.Object("cgroup_skb"));
            obj.Load();
            int before = KernelObjects.BpfHandles();
            var e = Assert.Throws<ArgumentException>(() => obj.Programs["cg_egress"].Attach(new BpfAttachOptions { CgroupPath = dir, Legacy = legacy }));
            Assert.Equal("CgroupPath", e.ParamName);
            Assert.Contains($"'{dir}' is not a cgroup v2 directory", e.Message, StringComparison.Ordinal);
            Assert.Contains($"cgroup2 is mounted at {TestCgroup.Root}", e.Message, StringComparison.Ordinal);
            Assert.Empty(obj.GetLinks());
            Assert.Equal(before, KernelObjects.BpfHandles());
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
