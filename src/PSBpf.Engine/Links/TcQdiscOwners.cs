namespace PSBpf.Engine;

/// <summary>
/// The clsact qdiscs this process created, with how many of its classic tc attachments use each, so that the last of
/// them to detach (not merely the one that happened to create it) removes it. Keyed by network namespace inode and
/// interface index, since indexes repeat across namespaces.
/// </summary>
internal static class TcQdiscOwners
{
    private static readonly Dictionary<(ulong Netns, uint IfIndex), int> Users = [];

    /// <summary>Held while a qdisc is created and its first user counted, so no attach sees the qdisc before it is counted.</summary>
    public static readonly object Gate = new();

    /// <summary>The calling thread's network namespace (the one a netlink socket opened now talks to).</summary>
    public static ulong CurrentNetns()
    {
        // the link reads "net:[INODE]"
        string target = new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? string.Empty;
        int open = target.IndexOf('[', StringComparison.Ordinal), close = target.IndexOf(']', StringComparison.Ordinal);
        return open >= 0 && close > open && ulong.TryParse(target.AsSpan(open + 1, close - open - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong ino) ? ino : 0;
    }

    /// <summary>Records a user; returns true when it shares a qdisc this process created (it then must call <see cref="Release"/>).</summary>
    public static bool Use((ulong, uint) key, bool created)
    {
        lock (Users)
        {
            if (created) Users[key] = 1;
            else if (Users.TryGetValue(key, out int n)) Users[key] = n + 1;
            else return false;
            return true;
        }
    }

    /// <summary>Drops a user; true when it was the last and the qdisc may go.</summary>
    public static bool Release((ulong, uint) key)
    {
        lock (Users)
        {
            if (!Users.TryGetValue(key, out int n)) return false;
            if (n > 1)
            {
                Users[key] = n - 1;
                return false;
            }

            Users.Remove(key);
            return true;
        }
    }
}
