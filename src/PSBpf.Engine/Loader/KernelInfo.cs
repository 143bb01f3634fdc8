namespace PSBpf.Engine.Loader;

/// <summary>Facts about the running kernel that the load phase needs.</summary>
internal static class KernelInfo
{
    private static readonly Lazy<int> PossibleCpusLazy = new(() => ParseCpuSet(File.ReadAllText("/sys/devices/system/cpu/possible")).Max() + 1);
    // Lazy<int> and not Lazy<uint>: the framework's ReadyToRun code has the int instantiation, a fresh process would JIT the other
    private static readonly Lazy<int> VersionLazy = new(() => (int)ReadVersion());

    /// <summary>Highest possible CPU + 1: the slots of perf event arrays and per-CPU values (libbpf sizes them the same way).</summary>
    public static int PossibleCpus => PossibleCpusLazy.Value;

    /// <summary>LINUX_VERSION_CODE of the running kernel: KERNEL_VERSION(a, b, min(c, 255)).</summary>
    public static uint Version => (uint)VersionLazy.Value;

    /// <summary>The CPUs online now (perf buffers open one ring per online CPU).</summary>
    public static IReadOnlySet<int> OnlineCpus() => ParseCpuSet(File.ReadAllText("/sys/devices/system/cpu/online"));

    /// <summary>The CPUs in a kernel CPU list like "0-3,5,7-8".</summary>
    public static HashSet<int> ParseCpuSet(string list)
    {
        var set = new HashSet<int>();
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            int lo = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            int hi = range.Length > 1 ? int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) : lo;
            for (int c = lo; c <= hi; c++) set.Add(c);
        }

        return set;
    }

    private static uint ReadVersion()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var nums = new uint[3];
        int k = 0;
        foreach (var part in release.Split('.', 3))
        {
            int n = 0;
            while (n < part.Length && char.IsAsciiDigit(part[n])) n++;
            var digits = part[..n];
            if (k < 3 && digits.Length > 0) nums[k++] = uint.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }

        return (nums[0] << 16) | (nums[1] << 8) | Math.Min(nums[2], 255u);
    }
}
