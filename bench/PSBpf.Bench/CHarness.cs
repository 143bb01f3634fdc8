using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PSBpf.Bench;

/// <summary>One row of one C harness run: the type id the lookup found and every sample.</summary>
internal sealed record CRow(long Id, long PageFaults, long[] Samples);

/// <summary>One run of the C harness (bench/btf_parse_bench.c): its rows by name (parse_find, mem_parse_find, find_last).</summary>
internal sealed record CRun(string Impl, int Types, IReadOnlyDictionary<string, CRow> Rows);

/// <summary>Runs the libbpf harness as a child process and reads its JSON (with --raw 1, so rounds can be pooled).</summary>
internal static class CHarness
{
    public static CRun Run(string exe, Options o, string lastName)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        void Arg(string k, string v) { psi.ArgumentList.Add(k); psi.ArgumentList.Add(v); }
        Arg("--path", o.Path);
        Arg("--name", o.Name);
        Arg("--last-name", lastName);
        Arg("--iters", o.Iterations.ToString(CultureInfo.InvariantCulture));
        Arg("--warmup", o.Warmup.ToString(CultureInfo.InvariantCulture));
        Arg("--find-iters", o.FindIterations.ToString(CultureInfo.InvariantCulture));
        Arg("--find-warmup", o.FindWarmup.ToString(CultureInfo.InvariantCulture));
        Arg("--raw", "1");

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} exited with {p.ExitCode}: {stderr.Result.Trim()}");
        }

        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        var rows = new Dictionary<string, CRow>();
        foreach (var row in root.GetProperty("rows").EnumerateObject())
        {
            rows[row.Name] = new CRow(row.Value.GetProperty("id").GetInt64(), row.Value.GetProperty("page_faults").GetInt64(),
                row.Value.GetProperty("samples_ns").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        }

        return new CRun(root.GetProperty("impl").GetString() ?? "libbpf", root.GetProperty("types").GetInt32(), rows);
    }
}
