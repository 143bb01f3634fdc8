namespace PSBpf.Engine.Tests;

/// <summary>A cgroup v2 directory of its own; processes run in it through <see cref="RunInside"/>; removed on dispose.</summary>
internal sealed class TestCgroup : IDisposable
{
    public TestCgroup()
    {
        Path = System.IO.Path.Combine(Root, $"psbpf-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The cgroup2 mount: /sys/fs/cgroup itself on unified hosts, /sys/fs/cgroup/unified on hybrid ones.</summary>
    public static string Root { get; } = File.Exists("/sys/fs/cgroup/cgroup.procs") ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";

    public string Path { get; }

    /// <summary>A bash that moves itself into the cgroup, then runs <paramref name="script"/>.</summary>
    public void RunInside(string script) => Sh.Bash($"echo $$ > {Path}/cgroup.procs && {script}");

    public void Dispose()
    {
        // the children have exited, but the cgroup can stay busy for a moment while they are released
        for (int i = 0; i < 50 && Directory.Exists(Path); i++)
        {
            try { Directory.Delete(Path); }
            catch (IOException) { Thread.Sleep(100); }
        }
    }
}
