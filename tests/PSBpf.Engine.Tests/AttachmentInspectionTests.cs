using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// BpfNetInspection and BpfCgroupInspection, the engine behind Get-BpfNetAttachment and Get-BpfCgroupAttachment: what
/// the kernel holds, as bpftool and tc report it, on a namespace and a cgroup of the test's own; detaching what no
/// link holds; and the netlink attribute reader on malformed input.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class AttachmentInspectionTests
{
    [Fact]
    public void Lists_xdp_tc_and_tcx_in_a_namespace_as_bpftool_and_tc_do_and_detaches_a_tc_filter_by_netlink()
    {
        int before = KernelObjects.BpfHandles();
        string netns = $"attached-xunit-{Environment.ProcessId}-{Random.Shared.Next(100000)}";
        Sh.Run("ip", "netns", "add", netns);
        try
        {
            Sh.Run("ip", "-n", netns, "link", "add", "axa0", "type", "veth", "peer", "name", "axa1");
            using var xdp = BpfObject.Open(Fixtures.Object("xdp"));
            using var tc = BpfObject.Open(Fixtures.Object("tc_classic"));
            using var tcx = BpfObject.Open(Fixtures.Object("tcx_order"));
            xdp.Load();
            tc.Load();
            tcx.Load();
            using var xdpLink = xdp.Programs["xdp_count"].Attach(new BpfAttachOptions { Interface = "axa0", XdpMode = BpfXdpMode.Generic, NetworkNamespace = netns });
            using var filter = tc.Programs["tc_count_in"].Attach(new BpfAttachOptions
            {
                Interface = "axa0", AttachType = BpfAttachType.tcx_ingress, TcMode = BpfTcMode.Classic, TcHandle = 4, TcPriority = 9, NetworkNamespace = netns,
            });
            using var pass = tcx.Programs["order_pass"].Attach(new BpfAttachOptions { Interface = "axa0", AttachType = BpfAttachType.tcx_egress, NetworkNamespace = netns });
            using var next = tcx.Programs["order_next"].Attach(new BpfAttachOptions
            {
                Interface = "axa0", AttachType = BpfAttachType.tcx_egress, TcxBefore = tcx.Programs["order_pass"].Id, NetworkNamespace = netns,
            });

            var all = BpfNetInspection.GetAttachments(netns, "axa0");
            Assert.All(all, a => Assert.Equal(netns, a.NetworkNamespace));

            using var net = NetJson(netns);
            var bpftoolXdp = Assert.Single(net.RootElement[0].GetProperty("xdp").EnumerateArray());
            var ourXdp = Assert.Single(all, a => a.Kind == BpfNetAttachmentKind.xdp);
            Assert.Equal(bpftoolXdp.GetProperty("devname").GetString(), ourXdp.Interface);
            Assert.Equal(bpftoolXdp.GetProperty("ifindex").GetUInt32(), ourXdp.InterfaceIndex);
            Assert.Equal(bpftoolXdp.GetProperty("mode").GetString(), ourXdp.XdpMode?.ToString().ToLowerInvariant());
            Assert.Equal(bpftoolXdp.GetProperty("id").GetUInt32(), ourXdp.ProgramId);
            Assert.Equal(xdpLink.Id, ourXdp.LinkId);

            var ourTc = Assert.Single(all, a => a.Kind == BpfNetAttachmentKind.tc);
            var tcFilter = Assert.Single(TcFilters(netns, "axa0", "ingress"));
            Assert.Equal(tcFilter.GetProperty("pref").GetUInt16(), ourTc.Priority!.Value);
            Assert.Equal(tcFilter.GetProperty("options").GetProperty("handle").GetString(), $"0x{ourTc.Handle:x}");
            Assert.Equal(tcFilter.GetProperty("options").GetProperty("bpf_name").GetString(), ourTc.FilterName);
            Assert.Equal(tcFilter.GetProperty("options").GetProperty("prog").GetProperty("id").GetUInt32(), ourTc.ProgramId);
            Assert.True(ourTc.DirectAction);
            Assert.Null(ourTc.LinkId);

            var chain = all.Where(a => a.Kind == BpfNetAttachmentKind.tcx).ToList();
            Assert.Equal([tcx.Programs["order_next"].Id!.Value, tcx.Programs["order_pass"].Id!.Value], chain.Select(a => a.ProgramId));
            Assert.Equal([next.Id, pass.Id], chain.Select(a => a.LinkId));
            Assert.All(chain, a => Assert.Equal(BpfAttachType.tcx_egress, a.AttachType));

            // a tc filter has no link: the engine deletes it by netlink, and tc sees it go
            BpfNetInspection.Detach(ourTc);
            Assert.Empty(TcFilters(netns, "axa0", "ingress"));
            Assert.DoesNotContain(BpfNetInspection.GetAttachments(netns, "axa0"), a => a.Kind == BpfNetAttachmentKind.tc);
            // listed again after it went, the same attachment is refused rather than taking another filter's place
            Assert.Throws<InvalidOperationException>(() => BpfNetInspection.Detach(ourTc));
            Assert.Throws<ArgumentException>(() => BpfNetInspection.Detach(ourXdp));
        }
        finally
        {
            Sh.Run("ip", "netns", "del", netns);
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Names_a_missing_interface_and_lists_nothing_on_a_bare_namespace()
    {
        string netns = $"attached-xunit-{Environment.ProcessId}-{Random.Shared.Next(100000)}";
        Sh.Run("ip", "netns", "add", netns);
        try
        {
            var e = Assert.Throws<ArgumentException>(() => BpfNetInspection.GetAttachments(netns, "axnone0"));
            Assert.Equal("Interface", e.ParamName);
            Assert.Contains("axnone0", e.Message, StringComparison.Ordinal);
            Assert.Empty(BpfNetInspection.GetAttachments(netns));
            Assert.Empty(BpfNetInspection.GetAttachments(netns, interfaceIndex: 1)); // lo: there, with nothing on it
        }
        finally
        {
            Sh.Run("ip", "netns", "del", netns);
        }
    }

    [Fact]
    public void Lists_a_cgroup_as_bpftool_cgroup_show_does_and_detaches_a_prog_attach_attachment()
    {
        int before = KernelObjects.BpfHandles();
        string path = Path.Combine(TestCgroup.Root, $"attached-xunit-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(path);
        try
        {
            using var obj = BpfObject.Open(Fixtures.Object("cgroup_skb"));
            obj.Load();
            using var link = obj.Programs["cg_ingress"].Attach(new BpfAttachOptions { CgroupPath = path });
            using var legacy = obj.Programs["cg_egress"].Attach(new BpfAttachOptions { CgroupPath = path, Legacy = true });

            var ours = BpfCgroupInspection.GetAttachments(path);
            using var theirs = Bpftool.Json("cgroup", "show", path);
            var expected = theirs.RootElement.EnumerateArray()
                .Select(e => $"{e.GetProperty("id").GetUInt32()} {e.GetProperty("attach_type").GetString()} {e.GetProperty("attach_flags").GetString()} {e.GetProperty("name").GetString()}");
            Assert.Equal(expected, ours.Select(a => $"{a.ProgramId} {a.AttachType} {a.AttachFlags} {a.ProgramName}"));
            Assert.Equal(link.Id, Assert.Single(ours, a => a.AttachType == BpfAttachType.cgroup_inet_ingress).LinkId);
            var unlinked = Assert.Single(ours, a => a.AttachType == BpfAttachType.cgroup_inet_egress);
            Assert.Null(unlinked.LinkId);
            Assert.Equal(ulong.Parse(Sh.Run("stat", "-c", "%i", path).Trim(), CultureInfo.InvariantCulture), unlinked.CgroupId);

            BpfCgroupInspection.Detach(unlinked);
            Assert.DoesNotContain(BpfCgroupInspection.GetAttachments(path), a => a.AttachType == BpfAttachType.cgroup_inet_egress);
            Assert.Throws<ArgumentException>(() => BpfCgroupInspection.Detach(BpfCgroupInspection.GetAttachments(path, effective: true)[0]));
        }
        finally
        {
            Directory.Delete(path);
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Netlink_attributes_are_read_within_their_bounds()
    {
        // IFLA_IFNAME "ab", then a nested IFLA_XDP holding IFLA_XDP_ATTACHED = 2 and IFLA_XDP_PROG_ID = 77
        var attrs = new List<byte>();
        void Attr(ushort type, byte[] payload)
        {
            var header = new byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + payload.Length));
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), type);
            attrs.AddRange(header);
            attrs.AddRange(payload);
            while (attrs.Count % 4 != 0) attrs.Add(0);
        }

        Attr(Rtnetlink.IflaIfname, "ab\0"u8.ToArray());
        var nested = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(nested, 5);
        BinaryPrimitives.WriteUInt16LittleEndian(nested.AsSpan(2), Rtnetlink.IflaXdpAttached);
        nested[4] = 2;
        BinaryPrimitives.WriteUInt16LittleEndian(nested.AsSpan(8), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(nested.AsSpan(10), Rtnetlink.IflaXdpProgId);
        BinaryPrimitives.WriteUInt32LittleEndian(nested.AsSpan(12), 77);
        Attr(Rtnetlink.IflaXdp | Rtnetlink.NlaFNested, nested);
        var bytes = attrs.ToArray();

        Assert.Equal("ab", RtAttributes.String(bytes, Rtnetlink.IflaIfname));
        Assert.True(RtAttributes.TryFind(bytes, Rtnetlink.IflaXdp, out var xdp)); // the nested flag is not part of the type
        Assert.Equal((byte)2, RtAttributes.U8(xdp, Rtnetlink.IflaXdpAttached));
        Assert.Equal(77u, RtAttributes.U32(xdp, Rtnetlink.IflaXdpProgId));
        Assert.Null(RtAttributes.U32(xdp, Rtnetlink.IflaXdpSkbProgId));

        // every truncation of the buffer, and lengths that lie, end the walk instead of reading past the end
        for (int n = 0; n < bytes.Length; n++)
        {
            var cut = bytes.AsSpan(0, n);
            _ = RtAttributes.TryFind(cut, Rtnetlink.IflaXdp, out var part);
            _ = RtAttributes.U32(part, Rtnetlink.IflaXdpProgId);
        }

        var liar = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(liar, 200);
        Assert.False(RtAttributes.TryFind(liar, Rtnetlink.IflaXdp, out _));
        BinaryPrimitives.WriteUInt16LittleEndian(liar, 2);
        Assert.False(RtAttributes.TryFind(liar, Rtnetlink.IflaXdp, out _));
        Assert.Null(RtAttributes.U32(nested.AsSpan(0, 6), Rtnetlink.IflaXdpAttached)); // a u8 where a u32 is asked for
    }

    [Fact]
    public void Xdp_programs_in_several_modes_are_read_one_per_mode_in_bpftools_order()
    {
        // XDP_ATTACHED_MULTI needs offload next to another mode, which no virtual device has: the nest is built here
        // as the kernel's rtnl_xdp_fill writes it (IFLA_XDP_ATTACHED, then one program id per mode)
        static byte[] Nest(byte attached, params (ushort Type, uint Value)[] ids)
        {
            var b = new List<byte> { 5, 0, (byte)Rtnetlink.IflaXdpAttached, 0, attached, 0, 0, 0 };
            foreach (var (type, value) in ids)
            {
                var a = new byte[8];
                BinaryPrimitives.WriteUInt16LittleEndian(a, 8);
                BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(2), type);
                BinaryPrimitives.WriteUInt32LittleEndian(a.AsSpan(4), value);
                b.AddRange(a);
            }

            return [.. b];
        }

        var multi = BpfNetInspection.XdpPrograms(Nest(Rtnetlink.XdpAttachedMulti,
            (Rtnetlink.IflaXdpHwProgId, 30), (Rtnetlink.IflaXdpDrvProgId, 20), (Rtnetlink.IflaXdpSkbProgId, 10)));
        Assert.Equal([(BpfXdpMode.Generic, 10u), (BpfXdpMode.Driver, 20u), (BpfXdpMode.Offload, 30u)], multi);
        Assert.Equal([(BpfXdpMode.Driver, 7u)], BpfNetInspection.XdpPrograms(Nest(Rtnetlink.XdpAttachedDrv, (Rtnetlink.IflaXdpProgId, 7))));
        Assert.Equal([(BpfXdpMode.Offload, 8u)], BpfNetInspection.XdpPrograms(Nest(Rtnetlink.XdpAttachedHw, (Rtnetlink.IflaXdpProgId, 8))));
        Assert.Empty(BpfNetInspection.XdpPrograms(Nest(0)));
        Assert.Empty(BpfNetInspection.XdpPrograms(Nest(9, (Rtnetlink.IflaXdpProgId, 8)))); // a mode this build does not know
    }

    private static JsonDocument NetJson(string netns)
    {
        string stdout = Sh.Run("ip", "netns", "exec", netns, Bpftool.Path, "-j", "net", "show");
        return JsonDocument.Parse(stdout);
    }

    /// <summary>tc's filters on one side that carry a program (a priority's own entry has no options).</summary>
    private static List<JsonElement> TcFilters(string netns, string iface, string side)
    {
        string stdout = Sh.Run("ip", "netns", "exec", netns, "tc", "-j", "filter", "show", "dev", iface, side);
        if (string.IsNullOrWhiteSpace(stdout)) return [];
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.EnumerateArray().Where(f => f.TryGetProperty("options", out _)).Select(f => f.Clone()).ToList();
    }
}
