using System.Diagnostics;
using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>Runs bpftool (the reference for inspection output) and parses its JSON.</summary>
internal static class Bpftool
{
    public static string Path { get; } = File.Exists("/usr/sbin/bpftool") ? "/usr/sbin/bpftool" : "bpftool";

    public static JsonDocument Json(params string[] args)
    {
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-j");
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        string stdout = stdoutTask.Result;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bpftool {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return JsonDocument.Parse(stdout);
    }
}
