namespace PSBpf.Engine.Tests;

/// <summary>Counts the fds and mappings the event readers open beside their BPF handles.</summary>
internal static class EventFds
{
    /// <summary>Perf event fds and their mappings: nothing else in a test process opens these.</summary>
    public static int PerfEvents() => Fds("anon_inode:[perf_event]") + File.ReadLines("/proc/self/maps").Count(l => l.Contains("perf_event", StringComparison.Ordinal));

    /// <summary>epoll instances and eventfds (the .NET runtime creates some of its own, once, for async I/O).</summary>
    public static int Epolls() => Fds("anon_inode:[eventpoll]") + Fds("anon_inode:[eventfd]");

    private static int Fds(string kind)
    {
        int n = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if ((new FileInfo(fd).LinkTarget ?? string.Empty) == kind) n++;
            }
            catch (IOException)
            {
                // closed while we looked
            }
        }

        return n;
    }
}
