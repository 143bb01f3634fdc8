using System.Diagnostics;
using System.Globalization;

namespace PSBpf.Engine.Tests;

/// <summary>
/// tests/fixtures/build/uprobe_target as a child reading one number per line: each line calls psbpf_uprobe_trigger(n)
/// and then psbpf_uprobe_step_a(n) and psbpf_uprobe_step_b(n), so a test decides when its probes fire.
/// </summary>
internal sealed class UprobeTargetChild : IDisposable
{
    private readonly Process _p;

    public UprobeTargetChild()
    {
        var psi = new ProcessStartInfo(Path, "-") { RedirectStandardInput = true, RedirectStandardOutput = true };
        _p = Process.Start(psi)!;
        var first = _p.StandardOutput.ReadLine() ?? throw new InvalidOperationException("uprobe_target said nothing");
        Pid = int.Parse(first["pid ".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>The target binary.</summary>
    public static string Path => System.IO.Path.Combine(Fixtures.BuildDir, "uprobe_target");

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
