using System.Diagnostics;

namespace PSBpf.Engine.Tests;

/// <summary>Runs the tools the tests compare with or set up targets with (oracle, bpftool, ip, bash, binutils).</summary>
internal static class Sh
{
    /// <summary>Runs a program to completion; both pipes are drained concurrently, so a chatty stderr cannot block it.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Capture(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    /// <summary>Runs a program that must succeed and returns its stdout.</summary>
    public static string Run(string file, params string[] args)
    {
        var (exit, stdout, stderr) = Capture(file, args);
        if (exit != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }

    /// <summary>bash -c, for /dev/udp sends (no ping on these machines).</summary>
    public static string Bash(string script) => Run("bash", "-c", script);
}
