using System.Diagnostics;

namespace PSBpf.Engine.Tests;

/// <summary>Runs the tools the link tests set up their targets with (ip, bash).</summary>
internal static class Sh
{
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr}");
        return stdout.Result;
    }

    /// <summary>bash -c, for /dev/udp sends (no ping on these machines).</summary>
    public static string Bash(string script) => Run("bash", "-c", script);
}
