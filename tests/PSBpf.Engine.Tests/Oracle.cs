using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>Runs the C oracle (libbpf-dev) built by the fixture Makefile and returns its JSON view.</summary>
internal static class Oracle
{
    public static JsonDocument Run(params string[] args)
    {
        var (exit, stdout, stderr) = Sh.Capture(Fixtures.Oracle, args);
        if (stdout.Length == 0)
        {
            throw new InvalidOperationException($"oracle {string.Join(' ', args)} printed nothing (exit {exit}): {stderr}");
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
