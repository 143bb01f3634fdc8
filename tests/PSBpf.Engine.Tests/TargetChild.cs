using System.Diagnostics;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// A fixture target as a child reading one number per line, so a test decides when its probes fire:
/// tests/fixtures/build/uprobe_target calls psbpf_uprobe_trigger(n), then psbpf_uprobe_step_a(n) and
/// psbpf_uprobe_step_b(n); usdt_target fires each of its USDT probes with values made from n.
/// </summary>
internal sealed class TargetChild : IDisposable
{
    private readonly Process _p;

    public TargetChild(string? binary = null)
    {
        var psi = new ProcessStartInfo(binary ?? Path, binary is null ? ["-"] : []) { RedirectStandardInput = true, RedirectStandardOutput = true };
        _p = Process.Start(psi)!;
        var first = _p.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"{psi.FileName} said nothing");
        Pid = int.Parse(first["pid ".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>The uprobe target binary.</summary>
    public static string Path => System.IO.Path.Combine(Fixtures.BuildDir, "uprobe_target");

    /// <summary>The USDT target binary (libusdt_target.so beside it).</summary>
    public static string Usdt => System.IO.Path.Combine(Fixtures.BuildDir, "usdt_target");

    public int Pid { get; }

    /// <summary>Calls the functions once with <paramref name="arg"/> in the child and waits for them to return.</summary>
    public string Call(int arg)
    {
        _p.StandardInput.WriteLine(arg.ToString(CultureInfo.InvariantCulture));
        _p.StandardInput.Flush();
        return _p.StandardOutput.ReadLine() ?? string.Empty;
    }

    public void Dispose()
    {
        _p.StandardInput.Close();
        if (!_p.WaitForExit(5000)) _p.Kill();
        _p.Dispose();
    }
}
