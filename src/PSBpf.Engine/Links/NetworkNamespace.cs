using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Network namespace references: a path (/proc/PID/ns/net, /run/netns/NAME) or an `ip netns` name.</summary>
internal static class NetworkNamespace
{
    /// <summary>A bare name (no '/') is an `ip netns` name under /run/netns; anything else is a path.</summary>
    public static string Resolve(string nameOrPath) =>
        nameOrPath.Contains('/', StringComparison.Ordinal) ? nameOrPath : "/run/netns/" + nameOrPath;

    public static BpfFd Open(string nameOrPath)
    {
        string path = Resolve(nameOrPath);
        return LibC.OpenNamespace(path, "network namespace");
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own that has entered the namespace (setns is per thread; the
    /// thread ends with the call, so no other work ever runs in the wrong namespace).
    /// </summary>
    public static T RunInside<T>(string nameOrPath, Func<T> action)
    {
        using var ns = Open(nameOrPath);
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                LibC.EnterNetworkNamespace(ns, $"network namespace {nameOrPath}");
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "PSBpf netns" };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return result!;
    }
}
