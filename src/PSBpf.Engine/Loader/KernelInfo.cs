namespace PSBpf.Engine.Loader;

/// <summary>Facts about the running kernel that the load phase needs.</summary>
internal static class KernelInfo
{
    private static readonly Lazy<int> PossibleCpusLazy = new(() => ParseCpuList(File.ReadAllText("/sys/devices/system/cpu/possible")));
    private static readonly Lazy<uint> VersionLazy = new(ReadVersion);

    /// <summary>Number of possible CPUs (perf event arrays, per-CPU values).</summary>
    public static int PossibleCpus => PossibleCpusLazy.Value;

    /// <summary>LINUX_VERSION_CODE of the running kernel: KERNEL_VERSION(a, b, min(c, 255)).</summary>
    public static uint Version => VersionLazy.Value;

    /// <summary>Counts CPUs in a list like "0-3,5,7-8".</summary>
    public static int ParseCpuList(string list)
    {
        int n = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            int lo = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            int hi = range.Length > 1 ? int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) : lo;
            n = Math.Max(n, hi + 1); // libbpf sizes per-CPU data by the highest possible CPU + 1
        }

        return n;
    }

    private static uint ReadVersion()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var nums = new uint[3];
        int k = 0;
        foreach (var part in release.Split('.', 3))
        {
            var digits = new string(part.TakeWhile(char.IsAsciiDigit).ToArray());
            if (k < 3 && digits.Length > 0) nums[k++] = uint.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }

        return (nums[0] << 16) | (nums[1] << 8) | Math.Min(nums[2], 255u);
    }
}
