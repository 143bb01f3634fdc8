namespace PSBpf.Engine.Tests;

/// <summary>A network namespace of its own with only loopback, up; traffic runs inside it through <see cref="Bash"/>.</summary>
internal sealed class TestNetns : IDisposable
{
    public TestNetns()
    {
        Name = $"psbpf-attach-{Environment.ProcessId % 100000}-{Guid.NewGuid():N}"[..32];
        Sh.Run("ip", "netns", "add", Name);
        try
        {
            Sh.Run("ip", "-n", Name, "link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The `ip netns` name (its file is /run/netns/NAME).</summary>
    public string Name { get; }
    public string Path => "/run/netns/" + Name;

    /// <summary>Runs a bash script inside the namespace.</summary>
    public string Bash(string script) => Sh.Run("ip", "netns", "exec", Name, "bash", "-c", script);

    /// <summary>The namespace's inode number, as netns links report it.</summary>
    public ulong Inode() => ulong.Parse(Sh.Run("stat", "-L", "-c", "%i", Path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try { Sh.Run("ip", "netns", "del", Name); } catch (InvalidOperationException) { /* never created */ }
    }
}
