using System.Buffers.Binary;
using System.Diagnostics;
using PSBpf.Engine;

namespace PSBpf.Bench;

/// <summary>The PSBpf side: each method runs warm-up iterations, then timed ones, and checks nothing itself (the driver compares).</summary>
internal static class NetSide
{
    /// <summary>BpfMapAccess.Entries: the raw-bytes dump a user calls; count and sum the u64 values.</summary>
    public static Run DumpRaw(BpfMap map, int warmup, int iterations) => Time(warmup, iterations, () =>
    {
        ulong count = 0, sum = 0;
        foreach (var e in map.Entries())
        {
            count++;
            sum += BinaryPrimitives.ReadUInt64LittleEndian(e.Value);
        }

        return (count, sum);
    });

    /// <summary>BpfMapAccess.ForEachEntry: the allocation-free dump, key and value spans per entry; count and sum the u64 values.</summary>
    public static Run DumpSpans(BpfMap map, int warmup, int iterations) => Time(warmup, iterations, () =>
    {
        ulong sum = 0;
        long count = map.ForEachEntry((_, value) => sum += BinaryPrimitives.ReadUInt64LittleEndian(value));
        return ((ulong)count, sum);
    });

    /// <summary>BpfMapValues.DecodedEntries: keys and values decoded through the map's BTF (u32 → uint, u64 → ulong).</summary>
    public static Run DumpDecoded(BpfMap map, int warmup, int iterations) => Time(warmup, iterations, () =>
    {
        ulong count = 0, sum = 0;
        foreach (var kv in map.DecodedEntries())
        {
            count++;
            sum += (ulong)kv.Value!;
        }

        return (count, sum);
    });

    /// <summary>Per iteration: the C harness produces <paramref name="records"/> records (untimed), then BpfRingBufferReader.Read drains them.</summary>
    public static Run Drain(BpfRingBufferReader reader, CServer producer, int records, int warmup, int iterations)
    {
        ulong count = 0, sum = 0;
        BpfRecordHandler handler = r =>
        {
            count++;
            sum += BinaryPrimitives.ReadUInt64LittleEndian(r);
        };
        var samples = new long[iterations];
        for (int i = -warmup; i < iterations; i++)
        {
            if (producer.Done($"produce {records}") != (ulong)records) throw new InvalidOperationException("the ring buffer is too small for the records");
            count = sum = 0;
            if (i == 0) StartCosts();
            long t0 = Stopwatch.GetTimestamp();
            while (count < (ulong)records)
            {
                if (reader.Read(TimeSpan.FromMilliseconds(100), CancellationToken.None, handler) == 0) throw new InvalidOperationException($"ring buffer: only {count} of {records} records arrived");
            }

            long t1 = Stopwatch.GetTimestamp();
            if (i >= 0) samples[i] = Ns(t1 - t0);
        }

        StopCosts();
        return new Run(count, sum, samples);
    }

    /// <summary>GCs (gen0, gen1, gen2) and minor page faults during the timed iterations of the last PSBpf row run.</summary>
    public static (int Gen0, int Gen1, int Gen2, long Faults) LastCosts { get; private set; }

    private static Run Time(int warmup, int iterations, Func<(ulong Count, ulong Sum)> once)
    {
        var samples = new long[iterations];
        (ulong, ulong) last = default;
        for (int i = -warmup; i < iterations; i++)
        {
            if (i == 0) StartCosts();
            long t0 = Stopwatch.GetTimestamp();
            last = once();
            long t1 = Stopwatch.GetTimestamp();
            if (i >= 0) samples[i] = Ns(t1 - t0);
        }

        StopCosts();
        return new Run(last.Item1, last.Item2, samples);
    }

    private static (int, int, int, long) _start;

    private static void StartCosts() => _start = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), MinorFaults());

    private static void StopCosts() => LastCosts = (GC.CollectionCount(0) - _start.Item1, GC.CollectionCount(1) - _start.Item2,
        GC.CollectionCount(2) - _start.Item3, MinorFaults() - _start.Item4);

    // minflt, the 10th field of /proc/self/stat (the 8th after the parenthesised command name).
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long Ns(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));
}
