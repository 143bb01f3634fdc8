using System.Runtime.InteropServices;
using System.Text.Json;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>What the kernel has, as bpftool lists it, and a pin directory of our own on bpffs for the tear-down tests.</summary>
internal static class TeardownKernel
{
    public static readonly uint WriteNr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1u : 64u;

    /// <summary>Link ids in <c>bpftool -j link show</c>.</summary>
    public static HashSet<uint> LinkIds() => Ids("link");

    public static HashSet<uint> ProgramIds() => Ids("prog");

    public static HashSet<uint> MapIds() => Ids("map");

    /// <summary>bpftool's view of one link (<c>bpftool -j -f link show id N</c>, -f adding its pinned paths), or null when it is gone.</summary>
    public static JsonElement? Link(uint id)
    {
        var (exit, stdout, _) = Sh.Capture(Bpftool.Path, "-j", "-f", "link", "show", "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (exit != 0) return null; // "Error: get by id (N): No such file or directory"
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>A fresh directory on bpffs, unique to this test run.</summary>
    public static string NewPinDirectory()
    {
        var dir = Path.Combine("/sys/fs/bpf", $"psbpf-teardown-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Removes a pin directory; returns what was still pinned in it (a test asserts that is nothing).</summary>
    public static string[] RemovePinDirectory(string dir)
    {
        if (!Directory.Exists(dir)) return [];
        var left = Directory.GetFiles(dir, "*", SearchOption.AllDirectories);
        foreach (var f in left) File.Delete(f);
        Directory.Delete(dir, recursive: true);
        return left;
    }

    /// <summary>
    /// The raw_tp fixture's count of write(2) calls, read from its map by kernel id (BPF_MAP_GET_FD_BY_ID), summed over
    /// CPUs: works after every object of ours is closed, as long as something (a pinned link) keeps the program alive.
    /// </summary>
    public static unsafe ulong WritesCounted(uint mapId)
    {
        using var map = BpfKernelMap.Open(mapId);
        int cpus = Loader.KernelInfo.PossibleCpus;
        var value = new ulong[cpus];
        uint key = WriteNr;
        fixed (ulong* v = value)
        {
            if (!Bpf.MapLookupElem(map.Fd, &key, v, $"map {mapId}")) return 0;
        }

        ulong sum = 0;
        foreach (var n in value) sum += n;
        return sum;
    }

    /// <summary>
    /// Polls until <paramref name="done"/> holds (10 s at most) and returns its last answer: releasing the last pin puts the
    /// link from a work queue (bpf_link_put defers), and its program and maps go with it a moment later.
    /// </summary>
    public static bool Eventually(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done() && DateTime.UtcNow < deadline) Thread.Sleep(50);
        return done();
    }

    private static HashSet<uint> Ids(string what)
    {
        using var doc = Bpftool.Json(what, "show");
        return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetUInt32()).ToHashSet();
    }
}
