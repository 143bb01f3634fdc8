namespace PSBpf.Engine.Loader;

/// <summary>Where bpffs is mounted, from /proc/self/mountinfo (pins can only live on bpffs).</summary>
internal static class BpfFs
{
    /// <summary>True when <paramref name="directory"/> lies on a bpf filesystem mount.</summary>
    public static bool Contains(string directory)
    {
        var full = Path.GetFullPath(directory).TrimEnd('/') + "/";
        string? bestType = null;
        int bestLength = -1;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            var parts = line.Split(' ');
            int dash = Array.IndexOf(parts, "-");
            if (parts.Length < 5 || dash < 0 || dash + 1 >= parts.Length) continue;
            var mountPoint = parts[4].Replace("\\040", " ", StringComparison.Ordinal).TrimEnd('/') + "/";
            if (full.StartsWith(mountPoint, StringComparison.Ordinal) && mountPoint.Length >= bestLength)
            {
                bestLength = mountPoint.Length;
                bestType = parts[dash + 1];
            }
        }

        return bestType == "bpf";
    }
}
