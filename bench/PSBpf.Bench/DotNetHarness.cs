using System.Diagnostics;
using System.Runtime.CompilerServices;
using PSBpf.Engine.Btf;

namespace PSBpf.Bench;

/// <summary>
/// The PSBpf side, measured the same way as the C harness: one Stopwatch timestamp pair around
/// each iteration, GC settled before each row starts, then warm-up iterations (which, as on the C
/// side where they let malloc settle on reusable memory, bring the row to its steady state),
/// then the timed iterations. Garbage made by
/// an iteration is not collected between iterations: as with btf__free on the C side, the cost
/// of releasing it is part of the steady state, so GCs land inside the timed iterations they
/// happen in (and the counts are reported).
/// </summary>
internal static class DotNetHarness
{
    /// <summary>Collections of each generation during the last measured row.</summary>
    public static (int Gen0, int Gen1, int Gen2) LastGcCounts { get; private set; }

    /// <summary>Minor page faults of the process during the last measured row (-1 if unknown).</summary>
    public static long LastPageFaults { get; private set; }

    /// <summary>BtfSpec.Load + FindByName(name, Struct) per iteration; a fresh parse every time, nothing cached.</summary>
    public static long[] ParseFind(string path, string name, int warmup, int iterations, out uint id) =>
        Measure(() => ParseFindOnce(path, name), warmup, iterations, out id);

    /// <summary>BtfSpec.Parse(bytes) + FindByName(name, Struct) per iteration, from bytes read once (no file I/O).</summary>
    public static long[] MemParseFind(ReadOnlyMemory<byte> data, string name, int warmup, int iterations, out uint id) =>
        Measure(() => MemParseFindOnce(data, name), warmup, iterations, out id);

    /// <summary>FindByName(name, Struct) alone on one already-parsed spec.</summary>
    public static long[] FindOnly(BtfSpec spec, string name, int warmup, int iterations, out uint id) =>
        Measure(() => FindOnce(spec, name), warmup, iterations, out id);

    private static long[] Measure(Func<uint> op, int warmup, int iterations, out uint id)
    {
        Settle();
        id = 0;
        for (int i = 0; i < warmup; i++)
        {
            id = op();
        }

        var samples = new long[iterations];
        var gc = GcCounts();
        long faults = MinorFaults();
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            id = op();
            long t1 = Stopwatch.GetTimestamp();
            samples[i] = ToNs(t1 - t0);
        }

        long faultsAfter = MinorFaults();
        LastPageFaults = faults < 0 || faultsAfter < 0 ? -1 : faultsAfter - faults;
        LastGcCounts = Diff(GcCounts(), gc);
        return samples;
    }

    /// <summary>The name of the last STRUCT in the type list (the C harness's default too), found outside timing.</summary>
    public static string LastStructName(BtfSpec spec)
    {
        for (uint id = (uint)spec.Count - 1; id >= spec.FirstTypeId; id--)
        {
            if (spec.KindOf(id) == BtfKind.Struct && spec[id].Name.Length > 0)
            {
                return spec[id].Name;
            }
        }

        throw new InvalidOperationException($"{spec.Source} has no named struct");
    }

    // NoInlining keeps the measured body identical between warm-up and measurement.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint ParseFindOnce(string path, string name)
    {
        var spec = BtfSpec.Load(path);
        return spec.FindByName(name, BtfKind.Struct)?.Id ?? throw new InvalidOperationException($"struct {name} not found in {path}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint MemParseFindOnce(ReadOnlyMemory<byte> data, string name)
    {
        var spec = BtfSpec.Parse(data, "memory");
        return spec.FindByName(name, BtfKind.Struct)?.Id ?? throw new InvalidOperationException($"struct {name} not found");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint FindOnce(BtfSpec spec, string name) =>
        spec.FindByName(name, BtfKind.Struct)?.Id ?? throw new InvalidOperationException($"struct {name} not found");

    private static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    // minflt, the 10th field of /proc/self/stat (the 8th after the parenthesised command name).
    private static long MinorFaults()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    private static (int, int, int) GcCounts() => (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    private static (int, int, int) Diff((int a, int b, int c) x, (int a, int b, int c) y) => (x.a - y.a, x.b - y.b, x.c - y.c);

    // Stopwatch ticks are nanoseconds on Linux (CLOCK_MONOTONIC), but convert in case they are not.
    private static long ToNs(long ticks) => Stopwatch.Frequency == 1_000_000_000 ? ticks : (long)(ticks * (1e9 / Stopwatch.Frequency));
}
