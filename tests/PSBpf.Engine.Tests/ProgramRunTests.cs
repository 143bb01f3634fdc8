using System.Collections;
using System.Collections.Specialized;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// BPF_PROG_TEST_RUN through <see cref="BpfProgram.Run"/>: the test_run fixture's programs on crafted packets,
/// contexts and raw_tp arguments, with what they return and change checked byte by byte, and the kernel's refusals.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ProgramRunTests : IDisposable
{
    private readonly BpfObject _obj;

    public ProgramRunTests()
    {
        _obj = BpfObject.Open(Fixtures.Object("test_run"));
        _obj.Load();
    }

    public void Dispose() => _obj.Dispose();

    private BpfRunResult Run(string program, byte[]? data = null, object? context = null, uint repeat = 1) =>
        _obj.Programs[program].Run(new BpfRunOptions { Data = data, Context = context, Repeat = repeat });

    private ulong Global(string name) => Convert.ToUInt64(_obj.Globals[name].Value, CultureInfo.InvariantCulture);

    private static OrderedDictionary Record(params (string Name, object Value)[] members)
    {
        var d = new OrderedDictionary(StringComparer.Ordinal);
        foreach (var (n, v) in members) d[n] = v;
        return d;
    }

    [Fact]
    public void Xdp_actions_come_back_by_name_and_the_output_packet_is_what_the_program_made()
    {
        var echo = TestPackets.Udp(7);
        var r = Run("xdp_filter", echo);
        Assert.Equal(3u, r.ReturnValue);
        Assert.Equal("XDP_TX", r.Action);
        Assert.Equal(BpfProgramType.xdp, r.ProgramType);
        Assert.Equal(_obj.Programs["xdp_filter"].Id, r.ProgramId);
        var swapped = (byte[])echo.Clone();
        TestPackets.Source.CopyTo(swapped, 0);
        TestPackets.Destination.CopyTo(swapped, 6);
        Assert.Equal(swapped, r.Data);

        Assert.Equal("XDP_DROP", Run("xdp_filter", TestPackets.Udp(9)).Action);
        var pass = Run("xdp_filter", TestPackets.Udp(53));
        Assert.Equal("XDP_PASS", pass.Action);
        Assert.Equal(TestPackets.Udp(53), pass.Data);
        Assert.Null(pass.Context); // an xdp_md goes in and out only when given
    }

    [Fact]
    public void A_repeated_run_runs_the_program_that_many_times_and_reports_a_mean_duration()
    {
        ulong before = Global("xdp_runs");
        var r = Run("xdp_filter", TestPackets.Udp(53), repeat: 1000);
        Assert.Equal(1000uL, Global("xdp_runs") - before);
        Assert.Equal(1000u, r.Repeat);
        Assert.InRange(r.DurationNs, 1u, 1_000_000u);
    }

    [Fact]
    public void A_program_that_moves_the_packet_head_returns_the_shorter_packet()
    {
        var frame = TestPackets.Udp(53);
        var r = Run("xdp_strip", frame);
        Assert.Equal("XDP_PASS", r.Action);
        Assert.Equal(frame[14..], r.Data);
    }

    [Fact]
    public void An_xdp_context_record_is_completed_with_the_packet_end_and_comes_back()
    {
        var r = Run("xdp_filter", TestPackets.Udp(53), Record(("ingress_ifindex", 1u)));
        var ctx = Assert.IsAssignableFrom<IDictionary>(r.Context);
        Assert.Equal(1u, Convert.ToUInt32(ctx["ingress_ifindex"], CultureInfo.InvariantCulture));
        Assert.Equal((uint)TestPackets.Udp(53).Length, Convert.ToUInt32(ctx["data_end"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_tc_program_sees_the_sk_buff_given_and_its_changes_come_back_decoded()
    {
        var frame = TestPackets.Udp(53);
        var r = Run("tc_mark", frame, Record(("mark", 5u)));
        Assert.Equal("TC_ACT_OK", r.Action);
        var skb = Assert.IsAssignableFrom<IDictionary>(r.Context);
        Assert.Equal(5u + (uint)frame.Length, Convert.ToUInt32(skb["mark"], CultureInfo.InvariantCulture));
        Assert.Equal(7u, Convert.ToUInt32(skb["priority"], CultureInfo.InvariantCulture));
        Assert.Equal(frame, r.Data);

        // without a context the kernel starts from a zeroed __sk_buff, and still gives it back
        var bare = Run("tc_mark", frame);
        Assert.Equal((uint)frame.Length, Convert.ToUInt32(((IDictionary)bare.Context!)["mark"], CultureInfo.InvariantCulture));
        Assert.Equal("TC_ACT_SHOT", Run("tc_mark", TestPackets.Udp(53, payload: 0)).Action);
    }

    [Fact]
    public void A_socket_filter_returns_how_many_bytes_it_keeps()
    {
        var r = Run("sock_trim", TestPackets.Udp(53));
        Assert.Equal(42u, r.ReturnValue);
        Assert.Null(r.Action);
    }

    [Fact]
    public void An_sk_lookup_program_runs_on_a_lookup_record_and_needs_one()
    {
        var lookup = Record(("family", 2u), ("protocol", 6u), ("local_port", 8080u), ("remote_port", 40000u),
            ("local_ip4", 0x0100007fu), ("remote_ip4", 0x0100007fu));
        Assert.Equal("SK_DROP", Run("lookup_port", context: lookup).Action);
        lookup["local_port"] = 80u;
        Assert.Equal("SK_PASS", Run("lookup_port", context: lookup).Action);
        var e = Assert.Throws<BpfRunInputException>(() => Run("lookup_port"));
        Assert.Contains("bpf_sk_lookup", e.Message, StringComparison.Ordinal);
        Assert.Throws<BpfRunInputException>(() => Run("lookup_port", TestPackets.Udp(53), lookup));
    }

    [Fact]
    public void A_raw_tp_program_gets_its_arguments_as_u64s_and_runs_once()
    {
        var r = Run("raw_args", context: new object[] { 3, 4L, 9u });
        Assert.Equal(9u, r.ReturnValue);
        Assert.Equal(7uL, Global("raw_sum"));
        Assert.Equal(1u, r.Repeat);
        Assert.Null(r.Context);

        var many = Assert.Throws<BpfRunInputException>(() => Run("raw_args", context: new object[] { 1, 2, 3 }, repeat: 5));
        Assert.Contains("runs once", many.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<Btf.BpfValueException>(() => Run("raw_args", context: new object[] { 1, "two" }));
        Assert.Equal("Context[1]", bad.Path);
    }

    [Fact]
    public void A_syscall_program_context_is_typed_from_its_argument_and_comes_back_changed()
    {
        var r = Run("sys_add", context: Record(("a", 5u), ("b", 3u)));
        Assert.Equal(1u, r.ReturnValue);
        var args = Assert.IsAssignableFrom<IDictionary>(r.Context);
        Assert.Equal(8uL, Convert.ToUInt64(args["sum"], CultureInfo.InvariantCulture));
        var unknown = Assert.Throws<Btf.BpfValueException>(() => Run("sys_add", context: Record(("c", 1u))));
        Assert.Contains("c", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_that_do_not_suit_the_type_are_named_before_the_kernel_is_asked()
    {
        var noData = Assert.Throws<BpfRunInputException>(() => Run("xdp_filter"));
        Assert.Contains("xdp_filter", noData.Message, StringComparison.Ordinal);
        Assert.Throws<BpfRunInputException>(() => _obj.Programs["xdp_filter"].Run(new BpfRunOptions { Data = TestPackets.Udp(7), Cpu = 0 }));
        var text = Assert.Throws<Btf.BpfValueException>(() => Run("tc_mark", TestPackets.Udp(53), "mark"));
        Assert.Equal("Context", text.Path);
        var tooSmall = Assert.Throws<BpfRunInputException>(() => _obj.Programs["xdp_filter"].Run(new BpfRunOptions { Data = TestPackets.Udp(7), DataOutSize = 10 }));
        Assert.Contains("DataOutSize", tooSmall.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kernel_refusal_of_a_type_it_cannot_run_is_explained()
    {
        using var minimal = BpfObject.Open(Fixtures.Object("minimal"));
        minimal.Load();
        var e = Assert.Throws<BpfSyscallException>(() => minimal.Programs["handle_tp"].Run(new BpfRunOptions { Data = TestPackets.Udp(7) }));
        Assert.Equal(BpfCommand.ProgTestRun, e.Command);
        Assert.Contains("cannot test-run", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_not_loaded_is_refused()
    {
        using var opened = BpfObject.Open(Fixtures.Object("test_run"));
        Assert.Throws<BpfNotLoadedException>(() => opened.Programs["xdp_filter"].Run(new BpfRunOptions { Data = TestPackets.Udp(7) }));
    }

    [Fact]
    public void A_kernel_program_opened_by_id_runs_as_the_object_s_does()
    {
        using var kernel = BpfKernelProgram.Open(_obj.Programs["xdp_filter"].Id!.Value);
        var r = kernel.Run(new BpfRunOptions { Data = TestPackets.Udp(9) });
        Assert.Equal("XDP_DROP", r.Action);
        Assert.Equal("xdp_filter", r.ProgramName);
    }

    [Theory]
    [InlineData("xdp_filter", 7)]
    [InlineData("xdp_filter", 9)]
    [InlineData("xdp_strip", 53)]
    [InlineData("tc_mark", 53)]
    [InlineData("sock_trim", 53)]
    public void Return_value_and_output_packet_equal_bpftool_prog_run(string program, int port)
    {
        var frame = TestPackets.Udp((ushort)port);
        string dir = Directory.CreateTempSubdirectory("psbpf-run-").FullName;
        try
        {
            string input = Path.Combine(dir, "in"), output = Path.Combine(dir, "out");
            File.WriteAllBytes(input, frame);
            var p = _obj.Programs[program];
            string said = Sh.Run(Bpftool.Path, "prog", "run", "id", p.Id!.Value.ToString(CultureInfo.InvariantCulture), "data_in", input, "data_out", output);
            var m = System.Text.RegularExpressions.Regex.Match(said, @"Return value: (\d+)");
            Assert.True(m.Success, said);

            var r = Run(program, frame);
            Assert.Equal(uint.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), r.ReturnValue);
            Assert.Equal(File.ReadAllBytes(output), r.Data);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
