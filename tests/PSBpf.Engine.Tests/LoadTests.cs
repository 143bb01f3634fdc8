using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The load phase against libbpf: the kernel's program tag hashes the relocated instructions (map fds masked), so
/// equal tags mean subprogram linking, map/data/extern relocations and CO-RE patches match libbpf bit for bit.
/// </summary>
[Collection(KernelCollection.Name)]
public class LoadTests
{
    /// <summary>Every fixture libbpf loads on this kernel (tcx, netfilter: libbpf 1.1 predates them; tracing/ksyms_percpu: see fixtures; bad_verifier: on purpose).</summary>
    public static IEnumerable<object[]> Loadable =>
        new[] { "minimal", "bootstrap", "calls", "sections", "autoload", "kconfig", "perf_event", "pinned", "xdp", "tc", "cgroup_skb", "cgroup_sock",
            "socket_filter", "raw_tp", "mapinmap", "sk_lookup", "tp_btf", "iter_task", "uprobe", "ksyms", "maps", "maps_more",
            "sk_lookup_count", "perf_event_count", "tc_classic", "cgroup_hooks", "struct_ops", "sockhash_count" }
            .Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Loadable))]
    public void TagsMatchLibbpf(string fixture)
    {
        var path = Fixtures.Object(fixture);
        using var oracle = Oracle.Run("load", path);
        Assert.False(oracle.RootElement.TryGetProperty("error", out var err), $"libbpf failed to load {fixture}: {err}");
        var expected = oracle.RootElement.GetProperty("programs").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("tag").GetString()!);

        using var obj = BpfObject.Open(path);
        obj.Load();
        obj.Unpin(); // pin-by-name maps land in /sys/fs/bpf; leave nothing behind
        Assert.True(obj.IsLoaded);
        foreach (var p in obj.Programs.Where(p => p.AutoLoad))
        {
            Assert.True(expected.TryGetValue(p.Name, out var tag), $"libbpf did not load {p.Name}");
            Assert.True(tag == p.Tag, $"{fixture}/{p.Name}: tag {p.Tag}, libbpf {tag}");
            Assert.NotNull(p.Id);
        }

        Assert.Equal(expected.Count, obj.Programs.Count(p => p.AutoLoad));
        Assert.All(obj.Maps, m => Assert.NotNull(m.Id));
    }
}

/// <summary>Tests that create kernel objects run one at a time, so id and fd accounting in leak tests is exact.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelCollection
{
    public const string Name = "kernel";
}
