namespace PSBpf.Engine.Loader;

/// <summary>Where bpffs is mounted, from /proc/self/mountinfo (pins can only live on bpffs).</summary>
internal static class BpfFs
{
    /// <summary>Every mount point with its filesystem type, in mount order.</summary>
    public static List<(string MountPoint, string FsType)> Mounts()
    {
        var mounts = new List<(string, string)>();
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
                var parts = line.Split(' ');
                int dash = Array.IndexOf(parts, "-");
                if (parts.Length < 5 || dash < 0 || dash + 1 >= parts.Length) continue;
                mounts.Add((parts[4].Replace("\\040", " ", StringComparison.Ordinal), parts[dash + 1]));
            }
        }
        catch (IOException)
        {
            // no procfs: no mounts known
        }

        return mounts;
    }

    /// <summary>The bpffs mount points.</summary>
    public static IEnumerable<string> BpfMounts() => Mounts().Where(m => m.FsType == "bpf").Select(m => m.MountPoint).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// True when <paramref name="directory"/> lies on a bpf filesystem: asked of the kernel (statfs) where the directory
    /// exists, so a symbolic link or ".." out of a bpffs mount is seen through; else the deepest mount covering the path.
    /// </summary>
    public static bool Contains(string directory)
    {
        if (Native.LibC.PathFileSystemType(directory) is { } type) return type == Native.LibC.BpfFsMagic;
        var full = Path.GetFullPath(directory).TrimEnd('/') + "/";
        string? bestType = null;
        int bestLength = -1;
        foreach (var (mountPoint, fsType) in Mounts())
        {
            var mp = mountPoint.TrimEnd('/') + "/";
            if (full.StartsWith(mp, StringComparison.Ordinal) && mp.Length >= bestLength)
            {
                bestLength = mp.Length;
                bestType = fsType;
            }
        }

        return bestType == "bpf";
    }
}
