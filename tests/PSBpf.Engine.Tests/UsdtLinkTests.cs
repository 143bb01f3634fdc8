using System.Collections;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// USDT probes of tests/fixtures/build/usdt_target and libusdt_target.so (sys/sdt.h), read by programs written against
/// libbpf's unchanged &lt;bpf/usdt.bpf.h&gt; (usdt.bpf.c): every argument the BPF side receives is compared with what the
/// child passed, for register, constant and stack-memory specs, a semaphore-guarded probe and a library probe.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class UsdtLinkTests
{
    private static IDictionary Seen(BpfObject obj, string name) => (IDictionary)obj.Globals[name].Value!;

    private static long[] Args(BpfObject obj, string name, int count) =>
        ((IEnumerable)Seen(obj, name)["args"]!).Cast<object>().Take(count).Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)).ToArray();

    private static long Field(BpfObject obj, string name, string field) => Convert.ToInt64(Seen(obj, name)[field], CultureInfo.InvariantCulture);

    private static BpfObject Load()
    {
        var obj = BpfObject.Open(Fixtures.Object("usdt"));
        obj.Load();
        return obj;
    }

    /// <summary>Auto-attach with the build directory on $PATH and $LD_LIBRARY_PATH, where the sections' bare names are found.</summary>
    private static List<BpfLink> AutoAttach(BpfObject obj, params string[] programs)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var lib = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        Environment.SetEnvironmentVariable("PATH", Fixtures.BuildDir + ":" + path);
        Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", Fixtures.BuildDir);
        try
        {
            return programs.Select(p => obj.Programs[p].Attach()).ToList();
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", lib);
        }
    }

    [Fact]
    public void Auto_attached_programs_receive_exactly_the_arguments_the_probes_pass()
    {
        int before = KernelObjects.BpfHandles();
        using (var child = new TargetChild(TargetChild.Usdt))
        using (var obj = Load())
        {
            Assert.True(obj.Programs["on_regs"].CanAutoAttach);
            var links = AutoAttach(obj, "on_regs", "on_consts", "on_memory", "on_lib");
            try
            {
                Assert.All(links, l => Assert.IsType<UsdtLink>(l));
                Assert.Equal("fired 5 sema 0", child.Call(5));

                Assert.Equal(4, Field(obj, "regs", "cnt"));
                Assert.Equal([5L, 5L * 1000000007L, -5L, 205L], Args(obj, "regs", 4)); // -4@%edi -8@%rax -2@%dx 1@%cl
                Assert.Equal(3, Field(obj, "consts", "cnt"));
                Assert.Equal([42L, -7L, 0x123456789L], Args(obj, "consts", 3)); // constants
                Assert.Equal([-5L, 15L, 60005L], Args(obj, "memory", 3)); // -8@-8(%rbp) -4@-12(%rbp) 2@-14(%rbp)
                Assert.Equal(2, Field(obj, "lib", "cnt"));
                Assert.Equal([5L, 6L], Args(obj, "lib", 2)); // the shared library's probe
                Assert.Equal(0, Field(obj, "regs", "cookie"));

                child.Call(-3);
                Assert.Equal([-3L, -3L * 1000000007L, 3L, 197L], Args(obj, "regs", 4));
                Assert.Equal(2, Field(obj, "regs", "hits"));
            }
            finally
            {
                foreach (var l in links) l.Dispose();
            }

            child.Call(9);
            Assert.Equal(2, Field(obj, "regs", "hits"));
            Assert.Equal(2, Field(obj, "lib", "hits"));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Fact]
    public void A_semaphore_is_raised_while_attached_and_the_guarded_probe_fires_only_then()
    {
        using var child = new TargetChild(TargetChild.Usdt);
        using var obj = Load();
        Assert.Equal("fired 1 sema 0", child.Call(1));
        using (var link = UsdtLink.Attach(obj.Programs["on_guarded"], TargetChild.Usdt, "psbpf", "guarded", null, 0))
        {
            Assert.Equal("fired 2 sema 1", child.Call(2));
            Assert.Equal([2L], Args(obj, "guarded", 1));
            Assert.Equal(1, Field(obj, "guarded", "hits"));
        }

        Assert.Equal("fired 3 sema 0", child.Call(3));
        Assert.Equal(1, Field(obj, "guarded", "hits"));
    }

    [Fact]
    public void An_explicit_probe_with_a_process_filter_and_a_cookie()
    {
        using var watched = new TargetChild(TargetChild.Usdt);
        using var other = new TargetChild(TargetChild.Usdt);
        using var obj = Load();
        var program = obj.Programs["on_explicit"];
        Assert.False(program.CanAutoAttach); // SEC("usdt") names no probe
        var needs = Assert.Throws<BpfAttachTargetRequiredException>(() => program.Attach());
        Assert.Contains("a binary, a provider and a probe name", needs.Message, StringComparison.Ordinal);

        using var link = Assert.IsType<UsdtLink>(program.Attach(new BpfAttachOptions
        {
            BinaryPath = TargetChild.Usdt, UsdtProvider = "psbpf", UsdtProbe = "consts", ProcessId = watched.Pid, UsdtCookie = 77,
        }));
        Assert.Equal(77UL, link.Cookie);
        Assert.Single(link.SiteOffsets);
        var info = Counters.KernelLink(link);
        Assert.Equal(BpfLinkType.perf_event, info.Type);
        Assert.Equal(BpfPerfEventType.uprobe, info.PerfEventType);
        Assert.Equal(link.SiteOffsets[0], info.ProbeOffset);

        other.Call(1);
        Assert.Equal(0, Field(obj, "explicit", "hits"));
        watched.Call(1);
        Assert.Equal(1, Field(obj, "explicit", "hits"));
        Assert.Equal(77, Field(obj, "explicit", "cookie"));
        Assert.Equal([42L, -7L, 0x123456789L], Args(obj, "explicit", 3));
    }

    [Fact]
    public void A_missing_probe_or_binary_is_named_and_nothing_is_left()
    {
        using var obj = Load();
        int before = KernelObjects.BpfHandles();
        var e = Assert.Throws<KeyNotFoundException>(() => UsdtLink.Attach(obj.Programs["on_explicit"], TargetChild.Usdt, "psbpf", "nosuch", null, 0));
        Assert.Contains("psbpf:nosuch", e.Message, StringComparison.Ordinal);
        var none = Assert.Throws<KeyNotFoundException>(() => UsdtLink.Attach(obj.Programs["on_explicit"], TargetChild.Path, "psbpf", "regs", null, 0));
        Assert.Contains("no .note.stapsdt", none.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => UsdtLink.Attach(obj.Programs["on_explicit"], "/nonexistent/usdt", "psbpf", "regs", null, 0));
        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [Theory]
    [InlineData("-4@%edi", UsdtArgumentKind.Register, 0UL, (short)112, true, (byte)32)]
    [InlineData("8@%rax", UsdtArgumentKind.Register, 0UL, (short)80, false, (byte)0)]
    [InlineData("1@%r8b", UsdtArgumentKind.Register, 0UL, (short)72, false, (byte)56)]
    [InlineData("-4@$-7", UsdtArgumentKind.Constant, 0xFFFFFFFFFFFFFFF9UL, (short)0, true, (byte)32)]
    [InlineData("8@-8(%rbp)", UsdtArgumentKind.RegisterDeref, 0xFFFFFFFFFFFFFFF8UL, (short)32, false, (byte)0)]
    [InlineData("2@(%rsp)", UsdtArgumentKind.RegisterDeref, 0UL, (short)152, false, (byte)48)]
    [InlineData("8@16(%rsp)", UsdtArgumentKind.RegisterDeref, 16UL, (short)152, false, (byte)0)]
    [InlineData("8@$18446744073709551615", UsdtArgumentKind.Constant, 0xFFFFFFFFFFFFFFFFUL, (short)0, false, (byte)0)]
    [InlineData("-1@%sil", UsdtArgumentKind.Register, 0UL, (short)104, true, (byte)56)]
    internal void Argument_specs_parse_as_libbpf_s(string spec, UsdtArgumentKind kind, ulong value, short reg, bool signed, byte shift)
    {
        var a = Assert.Single(UsdtArgument.ParseAll(spec, "test"));
        Assert.Equal(new UsdtArgument(kind, value, reg, signed, shift), a);
    }

    [Theory]
    [InlineData("3@%eax")]
    [InlineData("4@%xmm0")]
    [InlineData("8@-8(%rbp,%rax,8)")]
    [InlineData("4@foo(%rip)")]
    public void Argument_specs_this_build_cannot_read_are_named(string spec)
    {
        var e = Assert.ThrowsAny<Exception>(() => UsdtArgument.ParseAll(spec, "usdt x:p:n"));
        Assert.True(e is FormatException or NotSupportedException, e.GetType().Name);
        Assert.Contains($"'{spec}'", e.Message, StringComparison.Ordinal);
    }
}
