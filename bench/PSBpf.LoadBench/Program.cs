// Open+load benchmark: BpfObject.Open + Load (PSBpf, this warm process) against bpf_object__open_file +
// bpf_object__load (libbpf, the load_bench child process), alternating rounds, medians per load, ratio PSBpf/libbpf.
// With --open, the open phase alone (BpfObject.Open against bpf_object__open_file), which needs no root; with
// --breakdown, where BpfObject.Open's time goes (reading the file, the ELF container, BTF decoding, the rest);
// with --cold-stages (published ReadyToRun, see run-load.sh --cold), the same for the first open of a fresh process.
// Usage: PSBpf.LoadBench <c-harness> <file.bpf.o> [rounds] [iterations per round] [--open | --breakdown]
using System.Diagnostics;
using System.Globalization;
using PSBpf.Engine;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: PSBpf.LoadBench <c-harness> <file.bpf.o> [rounds] [iterations]");
    return 2;
}

if (args.Contains("--cold-btf"))
{
    long a = Stopwatch.GetTimestamp();
    var vmlinux = PSBpf.Engine.Btf.BtfSpec.Load("/sys/kernel/btf/vmlinux");
    long b = Stopwatch.GetTimestamp();
    var ids = vmlinux.FindAllByName("task_struct");
    long c1 = Stopwatch.GetTimestamp();
    var ids2 = vmlinux.FindAllByName("mm_struct");
    long d = Stopwatch.GetTimestamp();
    Console.WriteLine($"load {Stopwatch.GetElapsedTime(a, b).TotalMilliseconds:0.0} ms, first FindAllByName {Stopwatch.GetElapsedTime(b, c1).TotalMilliseconds:0.0} ms, second {Stopwatch.GetElapsedTime(c1, d).TotalMilliseconds:0.000} ms ({ids.Length + ids2.Length})");
    return 0;
}

if (args.Contains("--cold-stages"))
{
    // Where a fresh process's first open goes, part by part: the first file read of the process, ELFSharp's first
    // load (over the bytes in memory), the ELF container from the path, the object's BTF and BTF.ext, then the whole
    // open (which finds those parts warm and times the rest: the section table, maps, programs, relocations).
    long r0 = Stopwatch.GetTimestamp();
    var image = File.ReadAllBytes(args[0]);
    long r1 = Stopwatch.GetTimestamp();
    long j1 = System.Runtime.JitInfo.GetCompiledMethodCount();
    _ = ELFSharp.ELF.ELFReader.Load<ulong>(new MemoryStream(image, false), false);
    long r2 = Stopwatch.GetTimestamp();
    long j2 = System.Runtime.JitInfo.GetCompiledMethodCount();
    using var elf = PSBpf.Engine.Elf.ElfFile.Open(args[0]);
    _ = elf.Symbols;
    long r3 = Stopwatch.GetTimestamp();
    long j3 = System.Runtime.JitInfo.GetCompiledMethodCount();
    var spec = PSBpf.Engine.Btf.BtfSpec.Parse(elf.FindSection(".BTF")!.Data, args[0]);
    spec.Validate();
    _ = PSBpf.Engine.Btf.BtfExt.Parse(elf.FindSection(".BTF.ext")!.Data, spec, args[0]);
    long r4 = Stopwatch.GetTimestamp();
    long j4 = System.Runtime.JitInfo.GetCompiledMethodCount();
    var whole = BpfObject.Open(args[0]);
    long r5 = Stopwatch.GetTimestamp();
    long j5 = System.Runtime.JitInfo.GetCompiledMethodCount();
    whole.Dispose();
    if (args.Contains("--jit")) Console.Error.WriteLine($"JIT-compiled methods at each stage's end: {j1} {j2} {j3} {j4} {j5}");
    Console.WriteLine(string.Join(" ", new[] { r0, r1, r2, r3, r4, r5 }.Zip(new[] { r1, r2, r3, r4, r5 }, (x, y) => Stopwatch.GetElapsedTime(x, y).TotalMilliseconds.ToString("0.00"))));
    return 0;
}

if (args.Contains("--cold-once"))
{
    ColdOnce(args[0], args.Contains("--trace"), args.Contains("--open-only"));
    return 0;
}

bool openOnly = args.Contains("--open");
if (args.Contains("--breakdown"))
{
    Breakdown(args[1]);
    return 0;
}

args = args.Where(a => a != "--open").ToArray();
string harness = args[0], path = args[1];
int rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
int iterations = args.Length > 3 ? int.Parse(args[3]) : 40;
Func<string, long> once = openOnly ? OpenOnce : LoadOnce;
const int warmup = 5;

// JIT and caches (kernel BTF, config) warm before round 1; libbpf has no such caches and re-reads vmlinux BTF per load.
// An open is short: 30 of them end before tiered compilation has moved the open phase to optimised code, so the
// open-only mode keeps opening for 3 s first (and until then the first rounds measured tier-0 code).
for (int i = 0; i < 30; i++) once(path);
for (long until = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency; openOnly && Stopwatch.GetTimestamp() < until;) once(path);

var c = new List<long>();
var net = new List<long>();
for (int r = 1; r <= rounds; r++)
{
    var psi = new ProcessStartInfo(harness) { RedirectStandardOutput = true };
    psi.ArgumentList.Add(path);
    psi.ArgumentList.Add(warmup.ToString());
    psi.ArgumentList.Add(iterations.ToString());
    if (openOnly) psi.ArgumentList.Add("open");
    using (var p = Process.Start(psi)!)
    {
        var line = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("C harness failed");
        c.Add(long.Parse(line[0])); // its median for this round
    }

    for (int i = 0; i < warmup; i++) once(path);
    var samples = new long[iterations];
    for (int i = 0; i < iterations; i++) samples[i] = once(path);
    Array.Sort(samples);
    net.Add(samples[iterations / 2]);
    Console.WriteLine($"round {r}/{rounds}: libbpf {c[^1] / 1e6:0.000} ms, PSBpf {net[^1] / 1e6:0.000} ms");
}

c.Sort();
net.Sort();
double cm = c[c.Count / 2] / 1e6, nm = net[net.Count / 2] / 1e6;
Console.WriteLine();
Console.WriteLine($"| operation | libbpf median | PSBpf median | ratio PSBpf/libbpf |");
Console.WriteLine($"|---|---|---|---|");
Console.WriteLine($"| {(openOnly ? "open" : "open + load")} `{Path.GetFileName(path)}` | {cm:0.000} ms | {nm:0.000} ms | {nm / cm:0.00} |");
return 0;

// Medians over 2,000 runs (after 1.5 s of warm-up runs) of each part of the open phase, in this warm process.
static void Breakdown(string path)
{
    var file = File.ReadAllBytes(path);
    var btf = PSBpf.Engine.Elf.ElfFile.Parse(file, path).FindSection(".BTF")?.Data.ToArray() ?? [];
    Console.WriteLine($"| part of BpfObject.Open (`{Path.GetFileName(path)}`, {file.Length / 1024} KiB) | median | allocated |");
    Console.WriteLine("|---|---:|---:|");
    Part("for comparison: read the whole file (File.ReadAllBytes, what Open(path) did before ELFSharp)", () => File.ReadAllBytes(path));
    Part("ELFSharp alone (ELFReader.Load over a MemoryStream of the bytes)", () => ELFSharp.ELF.ELFReader.Load<ulong>(new MemoryStream(file, false), false));
    Part("ELF container of the bytes (ElfFile.Parse: size checks + ELFSharp + symbols)", () => _ = PSBpf.Engine.Elf.ElfFile.Parse(file, path).Symbols);
    Part("ELF container of the path (ElfFile.Open: headers and symbols read by pread)", () =>
    {
        using var elf = PSBpf.Engine.Elf.ElfFile.Open(path);
        _ = elf.Symbols;
    });
    Part($".BTF ({btf.Length / 1024} KiB) parsed and every type decoded (what the open phase did before)", () =>
    {
        var spec = PSBpf.Engine.Btf.BtfSpec.Parse(btf, path);
        foreach (var t in spec.GetTypes()) { }
    });
    Part($".BTF ({btf.Length / 1024} KiB) parsed and validated in place (what the open phase does)", () =>
        PSBpf.Engine.Btf.BtfSpec.Parse(btf, path).Validate());
    Part("BpfObject.Open of the bytes (everything but the read)", () => BpfObject.Open(file, "bench").Dispose());
    Part("BpfObject.Open of the path", () => BpfObject.Open(path).Dispose());

    static void Part(string what, Action action)
    {
        // 1.5 s of warm-up: tiered compilation moves each part's code to tier 1 (200 runs of a 20 µs part did not).
        for (long until = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency / 2; Stopwatch.GetTimestamp() < until;) action();
        var t = new long[2000];
        for (int i = 0; i < t.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            t[i] = Stopwatch.GetTimestamp() - t0;
        }

        Array.Sort(t);
        // what one run allocates: the GC zeroes every byte it hands out, which showed as an eighth of the open in perf
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"| {what} | {t[t.Length / 2] * 1e3 / Stopwatch.Frequency:0.000} ms | {allocated / 1024.0:0.0} KiB |");
    }
}

// The open phase: ELF, BTF and relocation records read into the object model; dispose outside the timed region.
static long OpenOnce(string path)
{
    long t0 = Stopwatch.GetTimestamp();
    var obj = BpfObject.Open(path);
    long t1 = Stopwatch.GetTimestamp();
    obj.Dispose();
    return (long)((t1 - t0) * (1e9 / Stopwatch.Frequency));
}

static long LoadOnce(string path)
{
    long t0 = Stopwatch.GetTimestamp();
    using var obj = BpfObject.Open(path);
    obj.Load();
    long t1 = Stopwatch.GetTimestamp();
    return (long)((t1 - t0) * (1e9 / Stopwatch.Frequency));
}

// One open + load in this fresh process (the first one: JIT, kernel BTF, feature probes all cold); prints the ns.
// With --trace, each load log line with the ms since before the open, to stderr.
static void ColdOnce(string path, bool trace, bool openOnly)
{
    long t0 = Stopwatch.GetTimestamp();
    using var obj = BpfObject.Open(path);
    long opened = Stopwatch.GetTimestamp();
    var options = new BpfLoadOptions
    {
        Log = trace ? m => Console.Error.WriteLine($"{Stopwatch.GetElapsedTime(t0).TotalMilliseconds,8:0.0} ms  {m}") : null,
    };
    if (trace) Console.Error.WriteLine($"{Stopwatch.GetElapsedTime(t0).TotalMilliseconds,8:0.0} ms  opened, {System.Runtime.JitInfo.GetCompiledMethodCount()} methods JIT-compiled so far ({System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0.0} ms)");
    if (openOnly)
    {
        Console.WriteLine($"{(long)((opened - t0) * (1e9 / Stopwatch.Frequency))}");
        return;
    }

    obj.Load(options);
    long t1 = Stopwatch.GetTimestamp();
    if (trace) Console.Error.WriteLine($"{Stopwatch.GetElapsedTime(t0).TotalMilliseconds,8:0.0} ms  loaded, {System.Runtime.JitInfo.GetCompiledMethodCount()} methods JIT-compiled ({System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0.0} ms)");
    Console.WriteLine($"{(long)((t1 - t0) * (1e9 / Stopwatch.Frequency))} {(long)((opened - t0) * (1e9 / Stopwatch.Frequency))}");
}
