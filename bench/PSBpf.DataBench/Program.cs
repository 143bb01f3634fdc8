using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PSBpf.Bench;
using PSBpf.Engine;

// Map dump and ring buffer benchmark: PSBpf.Engine (this process) vs libbpf (bench/data_bench, a long-lived child
// process), alternating C and .NET every round, one markdown table over all rounds' samples. See docs/benchmarks.md.
// Usage: PSBpf.DataBench <c-harness> <data_bench.bpf.o> [--rounds 8] [--dump-iters 5] [--loop-iters 1] [--ring-iters 10]
//                        [--records 1000000] [--batch 4096]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: PSBpf.DataBench <c-harness> <data_bench.bpf.o> [--rounds N] [--dump-iters N] [--loop-iters N] [--ring-iters N] [--records N] [--batch N]");
    return 2;
}

string harness = Path.GetFullPath(args[0]), objPath = Path.GetFullPath(args[1]);
var opt = new Dictionary<string, int> { ["--rounds"] = 8, ["--dump-iters"] = 5, ["--loop-iters"] = 1, ["--ring-iters"] = 10, ["--records"] = 1_000_000, ["--batch"] = 4096 };
for (int i = 2; i + 1 < args.Length; i += 2)
{
    if (!opt.ContainsKey(args[i]) || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v <= 0)
    {
        Console.Error.WriteLine($"PSBpf.DataBench: bad option {args[i]} {args[i + 1]}");
        return 2;
    }

    opt[args[i]] = v;
}

int rounds = opt["--rounds"], dumpIters = opt["--dump-iters"], loopIters = opt["--loop-iters"], ringIters = opt["--ring-iters"];
int records = opt["--records"], batch = opt["--batch"];
const int Entries = 1_000_000; // max_entries of dump_map in data_bench.bpf.c

// What both sides must see: every key 0..999,999 with value k * 2654435761 + 1 (sums wrap at 2^64, as in C), and
// records with seq 0..records-1.
ulong expectedSum = 0;
for (uint k = 0; k < Entries; k++) expectedSum += k * 2654435761UL + 1;
ulong expectedSeq = (ulong)records * (ulong)(records - 1) / 2;

// The pins live in a directory of our own, removed at the end whatever happens.
string pinRoot = $"/sys/fs/bpf/psbpf-bench-{Environment.ProcessId}";
Directory.CreateDirectory(pinRoot);
try
{
    using var obj = BpfObject.Open(objPath);
    obj.Load(new BpfLoadOptions { PinRoot = pinRoot });
    var map = obj.Maps["dump_map"];
    using var server = new CServer(harness);
    server.Send($"open {objPath} {pinRoot}"); // libbpf reuses the pinned maps PSBpf created: the same kernel maps
    if (server.Done($"fill {Entries}") != Entries) throw new InvalidOperationException("fill did not write every key");
    using var reader = new BpfRingBufferReader(obj.Maps["events"]);
    Console.WriteLine($"map {map} pinned at {map.PinPath}, filled by the BPF program with {Entries:N0} entries; ring {obj.Maps["events"].MaxEntries >> 20} MiB, {records:N0} records of 64 bytes per drain");

    // Warm-up before round 1: JIT for the .NET rows (the C side is compiled ahead of time), and for both sides the first
    // touch of every page of the 128 MiB ring mapping (each process faults it in on its first pass around the ring).
    server.Measure($"dump_batch 1 1 {batch}");
    server.Measure($"ring consume 1 1 {records}");
    NetSide.DumpRaw(map, 0, 2);
    NetSide.DumpDecoded(map, 0, 2);
    NetSide.DumpSpans(map, 0, 2);
    NetSide.Drain(reader, server, records, 0, 2);

    // Each function takes one sample; the loop below alternates C and .NET sample by sample, so both sides see the
    // same background load (this machine is shared; block-wise alternation left ±30% between neighbouring blocks).
    var rows = new (string Key, string Label, int Iterations, Func<Run> C, Func<Run> Net, ulong Count, ulong Sum)[]
    {
        ("batch", $"full dump, 1M u32→u64: libbpf `bpf_map_lookup_batch` ({batch}/call) vs PSBpf `Entries()` (raw bytes)", dumpIters,
            () => server.Measure($"dump_batch 0 1 {batch}"), () => NetSide.DumpRaw(map, 0, 1), Entries, expectedSum),
        ("spans", $"full dump, 1M: libbpf `bpf_map_lookup_batch` ({batch}/call) vs PSBpf `ForEachEntry()` (raw bytes as spans)", dumpIters,
            () => server.Measure($"dump_batch 0 1 {batch}"), () => NetSide.DumpSpans(map, 0, 1), Entries, expectedSum),
        ("loop", "full dump, 1M: libbpf get_next_key + lookup loop vs PSBpf `Entries()` (raw bytes)", loopIters,
            () => server.Measure("dump_loop 0 1"), () => NetSide.DumpRaw(map, 0, 1), Entries, expectedSum),
        ("decoded", $"full dump, 1M: libbpf `bpf_map_lookup_batch` ({batch}/call) vs PSBpf `DecodedEntries()` (BTF-decoded)", dumpIters,
            () => server.Measure($"dump_batch 0 1 {batch}"), () => NetSide.DumpDecoded(map, 0, 1), Entries, expectedSum),
        ("poll", $"ring buffer drain, {records:N0} × 64 B: libbpf `ring_buffer__poll` vs PSBpf `BpfRingBufferReader.Read`", ringIters,
            () => server.Measure($"ring poll 0 1 {records}"), () => NetSide.Drain(reader, server, records, 0, 1), (ulong)records, expectedSeq),
        ("consume", $"ring buffer drain, {records:N0} × 64 B: libbpf `ring_buffer__consume` vs PSBpf `BpfRingBufferReader.Read`", ringIters,
            () => server.Measure($"ring consume 0 1 {records}"), () => NetSide.Drain(reader, server, records, 0, 1), (ulong)records, expectedSeq),
    };

    var c = rows.ToDictionary(r => r.Key, _ => new List<long>());
    var n = rows.ToDictionary(r => r.Key, _ => new List<long>());
    var ratios = rows.ToDictionary(r => r.Key, _ => new List<double>());
    var paired = rows.ToDictionary(r => r.Key, _ => new List<double>());
    var costs = rows.ToDictionary(r => r.Key, _ => (Gen0: 0, Gen1: 0, Gen2: 0, Faults: 0L));
    for (int round = 1; round <= rounds; round++)
    {
        var line = new StringBuilder($"round {round}/{rounds}:");
        foreach (var row in rows)
        {
            var cs = new List<long>();
            var ns = new List<long>();
            for (int i = -1; i < row.Iterations; i++) // i = -1: one warm-up sample per side, not kept
            {
                var cr = row.C();
                var nr = row.Net();
                foreach (var (side, r) in new[] { ("libbpf", cr), ("PSBpf", nr) })
                {
                    if (r.Count != row.Count || r.Sum != row.Sum)
                    {
                        Console.Error.WriteLine($"PSBpf.DataBench: {row.Key}: {side} saw {r.Count} entries with sum {r.Sum}, expected {row.Count} with sum {row.Sum}");
                        return 1;
                    }
                }

                if (i < 0) continue;
                paired[row.Key].Add(nr.Samples[0] / (double)cr.Samples[0]); // a C sample and the .NET sample right after it
                cs.AddRange(cr.Samples);
                ns.AddRange(nr.Samples);
                var k = NetSide.LastCosts;
                var t = costs[row.Key];
                costs[row.Key] = (t.Gen0 + k.Gen0, t.Gen1 + k.Gen1, t.Gen2 + k.Gen2, t.Faults + k.Faults);
            }

            c[row.Key].AddRange(cs);
            n[row.Key].AddRange(ns);
            double cm = Stats.Of(cs).MedianNs, nm = Stats.Of(ns).MedianNs;
            ratios[row.Key].Add(nm / cm);
            line.Append($" {row.Key} {Stats.Format(cm)} / {Stats.Format(nm)} = {nm / cm:0.00};");
        }

        Console.WriteLine(line.ToString().TrimEnd(';'));
    }

    Console.WriteLine();
    Console.WriteLine($"{Environment.ProcessorCount} CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; {rounds} rounds; per round, row and side {dumpIters} dumps, {loopIters} get_next_key loop dumps, {ringIters} drains " +
        "(+1 warm-up each), C and .NET alternating sample by sample. Both sides checked: count and sum of every dump and drain.");
    Console.WriteLine("PSBpf per timed iteration, GCs gen0/gen1/gen2 and minor page faults: " + string.Join(", ", rows.Select(r =>
    {
        double iters = n[r.Key].Count;
        var t = costs[r.Key];
        return $"{r.Key} {t.Gen0 / iters:0.#}/{t.Gen1 / iters:0.#}/{t.Gen2 / iters:0.#}, {t.Faults / iters:0} faults";
    })));
    Console.WriteLine();
    Console.WriteLine("| operation | libbpf median | PSBpf median | PSBpf/libbpf | median of paired ratios | libbpf rate | PSBpf rate |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var row in rows)
    {
        var cs = Stats.Of(c[row.Key]);
        var ns = Stats.Of(n[row.Key]);
        var rs = ratios[row.Key];
        string spread = rs.Count > 1 ? $" (rounds {rs.Min():0.00}–{rs.Max():0.00})" : "";
        Console.WriteLine($"| {row.Label} | {Stats.Format(cs.MedianNs)} | {Stats.Format(ns.MedianNs)} | **{ns.MedianNs / cs.MedianNs:0.00}**{spread} | {Median(paired[row.Key]):0.00} | " +
            $"{Rate(row.Count, cs.MedianNs)} | {Rate(row.Count, ns.MedianNs)} |");
    }

    return 0;
}
finally
{
    foreach (var pin in Directory.EnumerateFiles(pinRoot)) File.Delete(pin);
    Directory.Delete(pinRoot);
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

static string Rate(ulong count, double ns) => $"{count / (ns / 1e9) / 1e6:0.00} M/s";
