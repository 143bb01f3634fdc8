using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PSBpf.Bench;
using PSBpf.Engine.Btf;

// Kernel BTF benchmark: PSBpf.Engine (this process) vs libbpf (bench/btf_parse_bench, a child
// process), alternating C, .NET, C, .NET ... for --rounds rounds, then one markdown table over
// all samples pooled. See docs/benchmarks.md.

Options o;
try
{
    o = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"PSBpf.Bench: {e.Message}");
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (o.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// Outside timing: the first parse (cold: includes JIT), the lookup name, then JIT warm-up.
long c0 = Stopwatch.GetTimestamp();
var reference = BtfSpec.Load(o.Path);
double coldMs = Stopwatch.GetElapsedTime(c0).TotalMilliseconds;
string lastName = o.LastName ?? DotNetHarness.LastStructName(reference);
ReadOnlyMemory<byte> bytes = File.ReadAllBytes(o.Path);
Console.WriteLine($"BTF: {o.Path}, {bytes.Length} bytes, {reference.Count} type ids; lookups: struct {o.Name}, struct {lastName} (the last struct)");
Console.WriteLine($"PSBpf first parse in this process (cold, includes JIT): {coldMs:0.000} ms");

// The rows: the C harness's row name, the label for the table, and the PSBpf measurement.
var rows = new (string Key, string Label, Func<int, int, (long[] Samples, uint Id)> Net)[]
{
    ("parse_find", $"parse file + find `{o.Name}` (+ free)",
        (w, n) => (DotNetHarness.ParseFind(o.Path, o.Name, w, n, out uint id), id)),
    ("mem_parse_find", $"parse from memory + find `{o.Name}` (+ free)",
        (w, n) => (DotNetHarness.MemParseFind(bytes, o.Name, w, n, out uint id), id)),
    ("find_last", $"find `{lastName}` alone (last struct)",
        (w, n) => (DotNetHarness.FindOnly(reference, lastName, w, n, out uint id), id)),
};
(int Warmup, int Iterations) Counts(string key) => key == "find_last" ? (o.FindWarmup, o.FindIterations) : (o.Warmup, o.Iterations);

// The C harness is compiled ahead of time; give the JIT the same start by running each .NET
// row long enough for tiered compilation (30 calls, then a background tier-1 compile) to
// finish before round 1. Per-round warm-up below is then the same count as the C side's.
for (int pass = 0; pass < 2; pass++)
{
    foreach (var row in rows) row.Net(0, row.Key == "find_last" ? 200 : 40);
    Thread.Sleep(300);
}

var cSamples = rows.ToDictionary(r => r.Key, _ => new List<long>());
var nSamples = rows.ToDictionary(r => r.Key, _ => new List<long>());
var ratios = rows.ToDictionary(r => r.Key, _ => new List<double>());
var gcs = rows.ToDictionary(r => r.Key, _ => (0, 0, 0));
var faults = rows.ToDictionary(r => r.Key, _ => (C: 0L, Net: 0L));
string cImpl = "libbpf";

for (int r = 1; r <= o.Rounds; r++)
{
    CRun? c = null;
    if (o.CHarness is { } exe)
    {
        c = CHarness.Run(exe, o, lastName);
        cImpl = c.Impl;
    }

    var line = new StringBuilder($"round {r}/{o.Rounds}:");
    foreach (var row in rows)
    {
        var (w, n) = Counts(row.Key);
        var (ns, id) = row.Net(w, n);
        gcs[row.Key] = Add(gcs[row.Key], DotNetHarness.LastGcCounts);
        faults[row.Key] = (faults[row.Key].C + (c?.Rows[row.Key].PageFaults ?? 0), faults[row.Key].Net + DotNetHarness.LastPageFaults);
        nSamples[row.Key].AddRange(ns);
        double nm = Stats.Of(ns).MedianNs;
        line.Append($" {row.Key} PSBpf {Stats.Format(nm)}");
        if (c is not null)
        {
            var cr = c.Rows[row.Key];
            if (cr.Id != id)
            {
                Console.Error.WriteLine($"PSBpf.Bench: {row.Key}: the implementations disagree: libbpf found type id {cr.Id}, PSBpf {id}");
                return 1;
            }

            cSamples[row.Key].AddRange(cr.Samples);
            double cm = Stats.Of(cr.Samples).MedianNs;
            ratios[row.Key].Add(nm / cm);
            line.Append($" / libbpf {Stats.Format(cm)} = {nm / cm:0.00};");
        }
    }

    Console.WriteLine(line.ToString().TrimEnd(';'));
}

Console.WriteLine();
Console.WriteLine($"{Environment.ProcessorCount} CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {cImpl}; " +
    $"{o.Rounds} rounds, C then .NET each round; per round and side {o.Iterations} parse iterations (+{o.Warmup} warm-up), " +
    $"{o.FindIterations} find iterations (+{o.FindWarmup} warm-up)");
Console.WriteLine("PSBpf GCs during the timed iterations (gen0/gen1/gen2): " +
    string.Join(", ", rows.Select(r => $"{r.Key} {gcs[r.Key]}")));
Console.WriteLine("Minor page faults per timed iteration (libbpf / PSBpf): " + string.Join(", ", rows.Select(r =>
{
    int n = o.Rounds * Counts(r.Key).Iterations;
    return $"{r.Key} {(o.CHarness is null ? "–" : (faults[r.Key].C / (double)n).ToString("0.0"))} / {faults[r.Key].Net / (double)n:0.0}";
})));
Console.WriteLine();
Console.WriteLine("| operation | libbpf median | PSBpf median | PSBpf/libbpf | libbpf mean / min / p90 | PSBpf mean / min / p90 |");
Console.WriteLine("|---|---:|---:|---:|---|---|");
foreach (var row in rows)
{
    Row(row.Label, cSamples[row.Key], nSamples[row.Key], ratios[row.Key]);
}

return 0;

void Row(string what, List<long> c, List<long> n, List<double> rs)
{
    var ns = Stats.Of(n);
    string nCols = $"{Stats.Format(ns.MeanNs)} / {Stats.Format(ns.MinNs)} / {Stats.Format(ns.P90Ns)}";
    if (c.Count == 0)
    {
        Console.WriteLine($"| {what} | – | {Stats.Format(ns.MedianNs)} | – | – | {nCols} |");
        return;
    }

    var cs = Stats.Of(c);
    // The ratio of the pooled medians; the spread of the per-round ratios shows how noisy the machine was.
    string spread = rs.Count > 1 ? $" (rounds {rs.Min():0.00}–{rs.Max():0.00})" : "";
    Console.WriteLine($"| {what} | {Stats.Format(cs.MedianNs)} | {Stats.Format(ns.MedianNs)} | **{ns.MedianNs / cs.MedianNs:0.00}**{spread} | " +
        $"{Stats.Format(cs.MeanNs)} / {Stats.Format(cs.MinNs)} / {Stats.Format(cs.P90Ns)} | {nCols} |");
}

static (int, int, int) Add((int a, int b, int c) x, (int a, int b, int c) y) => (x.a + y.a, x.b + y.b, x.c + y.c);

internal sealed class Options
{
    public const string Usage =
        "usage: PSBpf.Bench [--c-harness PATH] [--path /sys/kernel/btf/vmlinux] [--name task_struct] [--last-name NAME]\n" +
        "                   [--rounds 20] [--iters 50] [--warmup 5] [--find-iters 100] [--find-warmup 10]\n" +
        "Without --c-harness only the PSBpf side runs. --last-name defaults to the last STRUCT in the BTF.";

    public string Path { get; private set; } = "/sys/kernel/btf/vmlinux";
    public string Name { get; private set; } = "task_struct";
    public string? LastName { get; private set; }
    public string? CHarness { get; private set; }
    public int Rounds { get; private set; } = 20;
    public int Iterations { get; private set; } = 50;
    public int Warmup { get; private set; } = 5;
    public int FindIterations { get; private set; } = 100;
    public int FindWarmup { get; private set; } = 10;
    public bool Help { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "-h" or "--help")
            {
                o.Help = true;
                continue;
            }

            if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
            string v = args[++i];
            switch (a)
            {
                case "--path": o.Path = v; break;
                case "--name": o.Name = v; break;
                case "--last-name": o.LastName = v; break;
                case "--c-harness": o.CHarness = System.IO.Path.GetFullPath(v); break;
                case "--rounds": o.Rounds = Positive(a, v); break;
                case "--iters": o.Iterations = Positive(a, v); break;
                case "--warmup": o.Warmup = Positive(a, v); break;
                case "--find-iters": o.FindIterations = Positive(a, v); break;
                case "--find-warmup": o.FindWarmup = Positive(a, v); break;
                default: throw new ArgumentException($"unknown option {a}");
            }
        }

        return o;
    }

    private static int Positive(string opt, string v) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 && n <= 100_000_000
            ? n
            : throw new ArgumentException($"{opt} needs a positive integer, got '{v}'");
}
