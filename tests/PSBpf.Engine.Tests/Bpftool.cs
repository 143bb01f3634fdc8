using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>Runs bpftool (the reference for inspection output) and parses its JSON.</summary>
internal static class Bpftool
{
    public static string Path { get; } = File.Exists("/usr/sbin/bpftool") ? "/usr/sbin/bpftool" : "bpftool";

    public static JsonDocument Json(params string[] args)
    {
        var (exit, stdout, stderr) = Sh.Capture(Path, ["-j", .. args]);
        if (exit != 0) throw new InvalidOperationException($"bpftool {string.Join(' ', args)} failed ({exit}): {stderr}");
        try
        {
            return JsonDocument.Parse(stdout);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"bpftool {string.Join(' ', args)} printed no valid JSON ({e.Message}): {stdout}", e);
        }
    }
}
