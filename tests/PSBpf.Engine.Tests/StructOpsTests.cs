using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>
/// struct_ops maps: a TCP congestion control (tcp_congestion_ops) written in BPF, matched with the kernel's struct at
/// load as libbpf does, registered, picked by a loopback TCP socket (its init callback runs), and unregistered.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class StructOpsTests
{
    private const int IpProtoTcp = 6, TcpCongestion = 13;

    [Fact]
    public void Open_reads_each_struct_ops_variable_as_a_map_with_its_programs()
    {
        using var obj = BpfObject.Open(Fixtures.Object("struct_ops"));
        var map = obj.Maps["psbpf_cc"];
        Assert.Equal(BpfMapType.struct_ops, map.Type);
        Assert.Equal(BpfMapOrigin.StructOps, map.Origin);
        Assert.Equal((4u, 1u, 0u), (map.KeySize, map.MaxEntries, map.Flags));
        Assert.Equal((uint)obj.Btf!.SizeOf(obj.Btf.FindByName("tcp_congestion_ops", Btf.BtfKind.Struct)!.Id), map.ValueSize); // the object's struct until load
        Assert.Equal("tcp_congestion_ops", map.StructOpsType);
        Assert.Equal(new Dictionary<string, string>
        {
            ["ssthresh"] = "psbpf_ssthresh", ["cong_avoid"] = "psbpf_cong_avoid", ["undo_cwnd"] = "psbpf_undo_cwnd",
            ["init"] = "psbpf_init", ["release"] = "psbpf_release",
        }, map.StructOpsPrograms.OrderBy(p => p.Key).ToDictionary());
        Assert.All(obj.Programs, p => Assert.Null(p.StructOpsMember));

        using var link = BpfObject.Open(Fixtures.Object("struct_ops_link"));
        Assert.Equal(0x2000u, link.Maps["psbpf_cc_link"].Flags); // BPF_F_LINK
        Assert.True(link.Maps["psbpf_cc_link"].AutoCreate);
        Assert.False(link.Maps["psbpf_cc_spare"].AutoCreate); // SEC("?.struct_ops")
        Assert.Equal(0u, link.Maps["psbpf_cc_spare"].Flags);
    }

    [Fact]
    public void Load_binds_members_as_libbpf_does_and_registering_makes_a_congestion_control_sockets_use()
    {
        int handles = KernelObjects.BpfHandles();
        // libbpf 1.1.2 matched struct_ops members with the kernel at open: its expected_attach_type is the kernel member index
        using var oracle = Oracle.Open(Fixtures.Object("struct_ops"))!;
        var memberIndex = oracle.RootElement.GetProperty("programs").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("expected_attach_type").GetInt32());
        var kernelMembers = KernelMembers("tcp_congestion_ops");

        using (var obj = BpfObject.Open(Fixtures.Object("struct_ops")))
        {
            obj.Load();
            var map = obj.Maps["psbpf_cc"];
            Assert.Equal(KernelStructSize("bpf_struct_ops_tcp_congestion_ops"), map.ValueSize);
            foreach (var p in obj.Programs)
            {
                Assert.Equal($"tcp_congestion_ops.{kernelMembers[memberIndex[p.Name]]}", p.StructOpsMember);
            }

            Assert.DoesNotContain("psbpf_cc", Available());
            var inits = obj.Globals["inits"];
            using (var registration = map.Attach())
            {
                Assert.Equal("struct_ops", registration.Kind);
                Assert.Null(registration.Program);
                Assert.Same(map, registration.Map);
                Assert.Null(registration.Id); // SEC(".struct_ops"): the map value is the registration, no kernel link
                Assert.Contains("psbpf_cc", Available());

                // bpftool reads the registered value back: the map as libbpf creates it (no key/value type ids, the
                // kernel's value type), and each callback holding its program's id
                var (exit, stdout, stderr) = Sh.Capture(Bpftool.Path, ["-j", "struct_ops", "dump", "id", map.Id!.Value.ToString()]);
                Assert.True(exit == 0, stderr);
                using var dump = JsonDocument.Parse($"[{stdout}]"); // bpftool 7.1 leaves out the array brackets for one map
                var info = dump.RootElement[0].GetProperty("bpf_map_info");
                Assert.Equal(map.ValueSize, info.GetProperty("value_size").GetUInt32());
                Assert.Equal(0u, info.GetProperty("btf_value_type_id").GetUInt32());
                Assert.Equal(0u, info.GetProperty("btf_key_type_id").GetUInt32());
                Assert.NotEqual(0u, info.GetProperty("btf_id").GetUInt32());
                var value = dump.RootElement[1].GetProperty("bpf_struct_ops_tcp_congestion_ops");
                Assert.Equal("BPF_STRUCT_OPS_STATE_INUSE", value.GetProperty("common").GetProperty("state").GetString());
                var data = value.GetProperty("data");
                Assert.Equal("psbpf_cc", data.GetProperty("name").GetString());
                foreach (var (member, program) in map.StructOpsPrograms)
                {
                    Assert.EndsWith($" {program}/prog_id:{obj.Programs[program].Id}", data.GetProperty(member).GetString());
                }

                Assert.EndsWith(" 0", data.GetProperty("set_state").GetString());

                ulong before = Convert.ToUInt64(inits.Value);
                Assert.Equal("psbpf_cc", ConnectWith("psbpf_cc"));
                Assert.True(Convert.ToUInt64(inits.Value) > before, "init of the BPF congestion control did not run");
            }

            Assert.DoesNotContain("psbpf_cc", Available());
            var e = Assert.ThrowsAny<SocketException>(() => ConnectWith("psbpf_cc"));
            Assert.Equal(SocketError.AddressNotAvailable, e.SocketErrorCode); // ENOENT: no such congestion control
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_struct_ops_link_map_registers_through_a_kernel_link_and_optional_maps_stay_out()
    {
        int handles = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("struct_ops_link")))
        {
            obj.Load();
            var map = obj.Maps["psbpf_cc_link"];
            Assert.NotNull(map.Id);
            Assert.Null(obj.Maps["psbpf_cc_spare"].Id); // not created
            Assert.False(obj.Programs["psbpf_spare_init"].AutoLoad); // only the uncreated map uses it
            Assert.Null(obj.Programs["psbpf_spare_init"].Id);
            Assert.NotNull(obj.Programs["psbpf_link_ssthresh"].Id); // shared with the spare map, but the link map uses it too

            uint linkId;
            using (var link = map.Attach())
            {
                linkId = Assert.IsType<uint>(link.Id);
                var info = BpfInspection.GetLinks().Single(l => l.Id == linkId);
                Assert.Equal(BpfLinkType.struct_ops, info.Type);
                Assert.Equal(map.Id, info.MapId);
                using var tool = Bpftool.Json("link", "show", "id", linkId.ToString());
                Assert.Equal("struct_ops", tool.RootElement.GetProperty("type").GetString());

                Assert.Contains("psbpf_cc_link", Available());
                ulong before = Convert.ToUInt64(obj.Globals["inits"].Value);
                Assert.Equal("psbpf_cc_link", ConnectWith("psbpf_cc_link"));
                Assert.True(Convert.ToUInt64(obj.Globals["inits"].Value) > before);
            }

            Assert.DoesNotContain("psbpf_cc_link", Available());
            Assert.DoesNotContain(BpfInspection.GetLinks(), l => l.Id == linkId);
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_registration_in_an_attach_scope_is_undone_when_the_scope_is_not_completed()
    {
        int handles = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("struct_ops_link")))
        {
            obj.Load();
            var map = obj.Maps["psbpf_cc_link"];
            using (var scope = new BpfAttachScope())
            {
                var link = scope.Attach(map);
                Assert.Contains(link, obj.GetLinks());
                Assert.Contains("psbpf_cc_link", Available());
            } // not completed: rolled back, as on Ctrl+C during Add-BpfAttachment

            Assert.DoesNotContain("psbpf_cc_link", Available());
            Assert.Empty(obj.GetLinks());
            using (var scope = new BpfAttachScope())
            {
                scope.Attach(map); // a link map attaches again (its value was written once; EBUSY is expected and fine)
                scope.Complete();
            }

            Assert.Contains("psbpf_cc_link", Available());
        } // disposing the object unregisters it

        Assert.DoesNotContain("psbpf_cc_link", Available());

        // a plain SEC(".struct_ops") map registers once: the kernel refuses a second value, and the error says why
        using (var obj = BpfObject.Open(Fixtures.Object("struct_ops")))
        {
            obj.Load();
            obj.Maps["psbpf_cc"].Attach().Dispose();
            var e = Assert.Throws<BpfSyscallException>(() => obj.Maps["psbpf_cc"].Attach());
            Assert.Equal("EBUSY", e.ErrorName);
            Assert.Contains("registers once", e.Message);
            Assert.Empty(obj.GetLinks());
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Verification_binds_struct_ops_members_like_a_load_and_leaves_the_object_as_it_was()
    {
        int handles = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("struct_ops")))
        {
            uint openSize = obj.Maps["psbpf_cc"].ValueSize;
            var rows = BpfVerification.Verify(obj);
            Assert.Equal(obj.Programs.Select(p => p.Name), rows.Select(r => r.Program));
            Assert.All(rows, r => Assert.True(r.Accepted, $"{r.Program}: {r.Error}"));
            Assert.Equal(openSize, obj.Maps["psbpf_cc"].ValueSize);
            Assert.False(obj.IsLoaded);
            obj.Load(); // and it still loads and registers afterwards
            using var registration = obj.Maps["psbpf_cc"].Attach();
            Assert.Contains("psbpf_cc", Available());
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Creating_an_optional_map_loads_its_programs()
    {
        using var obj = BpfObject.Open(Fixtures.Object("struct_ops_link"));
        obj.Maps["psbpf_cc_spare"].AutoCreate = true;
        obj.Load();
        Assert.NotNull(obj.Maps["psbpf_cc_spare"].Id);
        Assert.NotNull(obj.Programs["psbpf_spare_init"].Id);
        Assert.Equal("tcp_congestion_ops.init", obj.Programs["psbpf_spare_init"].StructOpsMember);
    }

    [Fact]
    public void Struct_ops_errors_name_the_map_or_program_and_leave_nothing_behind()
    {
        int handles = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("struct_ops_link")))
        {
            obj.Programs["psbpf_unused"].AutoLoad = true;
            var e = Assert.Throws<BpfLoadException>(() => obj.Load());
            Assert.Contains("program 'psbpf_unused'", e.Message);
            Assert.Contains("not referenced by any struct_ops map", e.Message);
            Assert.False(obj.IsLoaded);
            Assert.Throws<BpfNotLoadedException>(() => obj.Maps["psbpf_cc_link"].Attach());
        }

        // the corpus object implements bpf_testmod_ops, a test module's struct this kernel does not have
        using (var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "struct_ops-el.elf")))
        {
            Assert.Equal("bpf_testmod_ops", obj.Maps["testmod_ops"].StructOpsType);
            Assert.Equal("test_1", obj.Maps["testmod_ops"].StructOpsPrograms["test_1"]);
            var e = Assert.Throws<BpfLoadException>(() => obj.Load());
            Assert.Contains("struct_ops map 'testmod_ops'", e.Message);
            Assert.Contains("bpf_testmod_ops", e.Message);
        }

        using (var obj = BpfObject.Open(Fixtures.Object("minimal")))
        {
            obj.Load();
            Assert.Throws<InvalidOperationException>(() => obj.Maps[0].Attach());
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    /// <summary>Connects a loopback TCP socket that asks for congestion control <paramref name="name"/>; returns what the socket then uses.</summary>
    private static string ConnectWith(string name)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.SetRawSocketOption(IpProtoTcp, TcpCongestion, Encoding.ASCII.GetBytes(name));
        client.Connect(listener.LocalEndPoint!);
        using var server = listener.Accept();
        client.Send("psbpf"u8.ToArray());
        var buffer = new byte[16];
        Assert.Equal(5, server.Receive(buffer));
        int n = client.GetRawSocketOption(IpProtoTcp, TcpCongestion, buffer);
        return Encoding.ASCII.GetString(buffer, 0, n).TrimEnd('\0');
    }

    private static string[] Available() =>
        File.ReadAllText("/proc/sys/net/ipv4/tcp_available_congestion_control").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static JsonElement KernelStruct(string name)
    {
        using var doc = Bpftool.Json("btf", "dump", "file", "/sys/kernel/btf/vmlinux");
        return doc.RootElement.GetProperty("types").EnumerateArray()
            .First(t => t.GetProperty("kind").GetString() == "STRUCT" && t.GetProperty("name").GetString() == name).Clone();
    }

    private static uint KernelStructSize(string name) => KernelStruct(name).GetProperty("size").GetUInt32();

    private static string[] KernelMembers(string name) =>
        KernelStruct(name).GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToArray();
}
