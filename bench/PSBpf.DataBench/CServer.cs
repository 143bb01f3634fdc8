using System.Diagnostics;
using System.Text.Json;

namespace PSBpf.Bench;

/// <summary>A dump or drain result of one side: entries or records seen, their wrapping sum, and the per-iteration samples.</summary>
internal sealed record Run(ulong Count, ulong Sum, long[] Samples);

/// <summary>
/// The libbpf harness (bench/data_bench.c) as a long-lived child: one command line in, one JSON line out. It also runs the
/// producer program for the PSBpf rounds, so both sides consume records written by the same program instance.
/// </summary>
internal sealed class CServer : IDisposable
{
    private readonly Process _process;

    public CServer(string exe)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
    }

    /// <summary>Sends one command and returns its answer; an {"error":…} answer throws.</summary>
    public JsonElement Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the C harness exited during '{command}'");
        var root = JsonDocument.Parse(line).RootElement.Clone();
        if (root.TryGetProperty("error", out var e)) throw new InvalidOperationException($"C harness, '{command}': {e.GetString()}");
        return root;
    }

    public ulong Done(string command) => Send(command).GetProperty("done").GetUInt64();

    public Run Measure(string command)
    {
        var r = Send(command);
        return new Run(r.GetProperty("count").GetUInt64(), r.GetProperty("sum").GetUInt64(),
            r.GetProperty("samples_ns").EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
