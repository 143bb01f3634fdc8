using System.Diagnostics;
using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>Runs the C oracle (libbpf-dev) built by the fixture Makefile and returns its JSON view.</summary>
internal static class Oracle
{
    public static JsonDocument Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Fixtures.Oracle) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (stdout.Length == 0)
        {
            throw new InvalidOperationException($"oracle {string.Join(' ', args)} printed nothing (exit {p.ExitCode}): {stderr}");
        }

        return JsonDocument.Parse(stdout);
    }

    /// <summary>libbpf's view after bpf_object__open_file, or null when libbpf refuses to open the file.</summary>
    public static JsonDocument? Open(string path)
    {
        var doc = Run("open", path);
        return doc.RootElement.TryGetProperty("error", out _) ? null : doc;
    }
}
