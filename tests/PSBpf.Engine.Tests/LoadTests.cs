using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The load phase against libbpf: the kernel's program tag hashes the relocated instructions (map fds masked), so
/// equal tags mean subprogram linking, map/data/extern relocations and CO-RE patches match libbpf bit for bit.
/// </summary>
[Collection(KernelCollection.Name)]
public class LoadTests
{
    /// <summary>
    /// Fixtures that libbpf 1.1 does not load as built, each with the errno its load fails with here and why. Every other
    /// fixture the build makes is in <see cref="Loadable"/>; <see cref="ExclusionsAreRefusedByLibbpf"/> keeps this table
    /// honest (an entry libbpf loads fails it).
    /// </summary>
    internal static readonly Dictionary<string, (int Errno, string Reason)> NotLoadedByLibbpf = NotLoadedHere();

    private static Dictionary<string, (int Errno, string Reason)> NotLoadedHere()
    {
        var excluded = new Dictionary<string, (int Errno, string Reason)>
        {
            ["bad_verifier"] = (Errno.EACCES, "refused by the verifier on purpose (LoadBehaviourTests)"),
            ["freplace"] = (Errno.EINVAL, "needs its target program, set at run time (FreplaceTests)"),
            ["netfilter"] = (Errno.EINVAL, "libbpf 1.1 predates SEC(\"netfilter\") (1.2)"),
            ["sockmap_count"] = (Errno.EINVAL, "libbpf 1.1 predates SEC(\"sk_skb/verdict\") (1.2)"),
            ["struct_ops_link"] = (Errno.ENOTSUPP, "libbpf 1.1 predates SEC(\".struct_ops.link\") (1.2): it loads the programs without their struct_ops map"),
            ["tcx"] = (Errno.EINVAL, "libbpf 1.1 predates tcx sections (1.3)"),
            ["tcx_order"] = (Errno.EINVAL, "libbpf 1.1 predates tcx sections (1.3)"),
            ["uprobe_multi"] = (Errno.EINVAL, "libbpf 1.1 predates uprobe.multi sections (1.3)"),
        };
        if (KernelConfig.Has("KALLSYMS_ALL") == false)
        {
            excluded["ksyms_percpu"] = (Errno.ENOENT, "typed per-CPU __ksym need CONFIG_KALLSYMS_ALL for their addresses, which this kernel lacks (see the fixture)");
        }

        return excluded;
    }

    /// <summary>
    /// Fixtures of which libbpf loads all but some programs: those programs (each refused by libbpf when loaded alone, which
    /// <see cref="LeftOutProgramsAreRefusedByLibbpf"/> checks) and why. The rest of the fixture is compared.
    /// </summary>
    internal static readonly Dictionary<string, (string[] Programs, string Reason)> LoadedInPart = new()
    {
        ["verify_mixed"] = (["refused_middle"], "refused by the verifier on purpose (VerificationTests)"),
        ["tracing"] = KernelFeatureProbe.Probe(KernelFeature.Trampolines) is (false, var finding)
            ? (Fixtures.TracingTrampolinePrograms, $"they need BPF trampolines: {finding}")
            : ([], "the kernel has trampolines"),
    };

    /// <summary>Every fixture the build made, except those libbpf does not load (with their reasons above).</summary>
    public static IEnumerable<object[]> Loadable =>
        Fixtures.ObjectNames().Where(n => !NotLoadedByLibbpf.ContainsKey((string)n[0]));

    public static IEnumerable<object[]> Excluded => NotLoadedByLibbpf.Keys.Order(StringComparer.Ordinal).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Loadable))]
    public void TagsMatchLibbpf(string fixture)
    {
        var path = Fixtures.Object(fixture);
        using var obj = BpfObject.Open(path);
        var oracleArgs = new List<string> { "load", path };
        if (LoadedInPart.TryGetValue(fixture, out var part) && part.Programs.Length > 0)
        {
            var kept = obj.Programs.Names.Except(part.Programs).ToList();
            foreach (var p in obj.Programs) p.AutoLoad = kept.Contains(p.Name); // as the oracle's --only does
            oracleArgs.AddRange(["--only", string.Join(',', kept)]);
        }

        var root = Directory.CreateDirectory($"/sys/fs/bpf/psbpf-loadtests-{Environment.ProcessId}").FullName;
        try
        {
            // pin-by-name maps go under a root of this process's own, for libbpf and PSBpf alike
            using var oracle = Oracle.Run([.. oracleArgs, "--pin-root", root]);
            Assert.False(oracle.RootElement.TryGetProperty("error", out var err), $"libbpf failed to load {fixture}: {err}");
            var expected = oracle.RootElement.GetProperty("programs").EnumerateArray()
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("tag").GetString()!);

            obj.Load(new BpfLoadOptions { PinRoot = root });
            obj.Unpin();
            Assert.True(obj.IsLoaded);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), obj.Programs.Where(p => p.AutoLoad).Select(p => p.Name).Order(StringComparer.Ordinal));
            foreach (var p in obj.Programs.Where(p => p.AutoLoad))
            {
                Assert.True(expected[p.Name] == p.Tag, $"{fixture}/{p.Name}: tag {p.Tag}, libbpf {expected[p.Name]}");
                Assert.NotNull(p.Id);
            }

            Assert.All(obj.Maps, m => Assert.NotNull(m.Id));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Each fixture is compared or excluded with a reason, and the tables name only fixtures and programs that exist.</summary>
    [Fact]
    public void EveryFixtureIsLoadedOrExcludedWithAReason()
    {
        var fixtures = Fixtures.ObjectNames().Select(n => (string)n[0]).ToList();
        Assert.True(fixtures.Count >= 50, $"the build made {fixtures.Count} fixtures in {Fixtures.BuildDir}");
        var loadable = Loadable.Select(n => (string)n[0]).ToHashSet();
        foreach (var f in fixtures)
        {
            Assert.True(loadable.Contains(f) ^ NotLoadedByLibbpf.ContainsKey(f), $"{f}: neither compared nor excluded (or both)");
        }

        Assert.All(NotLoadedByLibbpf, e => Assert.True(fixtures.Contains(e.Key) && e.Value.Reason.Length > 0, $"exclusion {e.Key}: no such fixture, or no reason"));
        foreach (var (fixture, part) in LoadedInPart)
        {
            Assert.Contains(fixture, loadable);
            Assert.False(string.IsNullOrWhiteSpace(part.Reason), fixture);
            using var obj = BpfObject.Open(Fixtures.Object(fixture));
            Assert.All(part.Programs, p => Assert.Contains(p, obj.Programs.Names));
            Assert.NotEqual(obj.Programs.Count, part.Programs.Length); // something of it is compared
        }
    }

    /// <summary>An excluded fixture is one libbpf really does not load, for the reason's errno.</summary>
    [Theory]
    [MemberData(nameof(Excluded))]
    public void ExclusionsAreRefusedByLibbpf(string fixture)
    {
        using var oracle = Oracle.Run("load", Fixtures.Object(fixture));
        var (errno, reason) = NotLoadedByLibbpf[fixture];
        Assert.True(oracle.RootElement.TryGetProperty("error", out var err), $"libbpf loads {fixture}: compare it in TagsMatchLibbpf instead of excluding it ({reason})");
        Assert.True(oracle.RootElement.GetProperty("errno").GetInt32() == errno, $"{fixture}: libbpf failed with {err} ({oracle.RootElement.GetProperty("errno")}), the table says {Errno.Name(errno)}: {reason}");
    }

    /// <summary>A program left out of a fixture's comparison is one libbpf refuses when it loads that program alone.</summary>
    [Fact]
    public void LeftOutProgramsAreRefusedByLibbpf()
    {
        foreach (var (fixture, part) in LoadedInPart)
        {
            foreach (var program in part.Programs)
            {
                using var oracle = Oracle.Run("load", Fixtures.Object(fixture), "--only", program);
                Assert.True(oracle.RootElement.TryGetProperty("error", out _), $"libbpf loads {fixture}/{program}: compare it instead of leaving it out ({part.Reason})");
            }
        }
    }
}

/// <summary>Tests that create kernel objects run one at a time, so id and fd accounting in leak tests is exact.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelCollection
{
    public const string Name = "kernel";
}
