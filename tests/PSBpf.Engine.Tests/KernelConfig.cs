using System.IO.Compression;

namespace PSBpf.Engine.Tests;

/// <summary>The running kernel's build options (/proc/config.gz, else /boot/config-RELEASE), for tests whose outcome depends on one.</summary>
internal static class KernelConfig
{
    private static readonly Lazy<HashSet<string>?> Enabled = new(Read);

    /// <summary>True when CONFIG_<paramref name="option"/> is y or m, false when it is off, null when the configuration cannot be read.</summary>
    public static bool? Has(string option) => Enabled.Value?.Contains("CONFIG_" + option);

    private static HashSet<string>? Read()
    {
        IEnumerable<string>? lines = null;
        if (File.Exists("/proc/config.gz"))
        {
            using var gz = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            lines = reader.ReadToEnd().Split('\n');
        }
        else
        {
            var boot = $"/boot/config-{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}";
            if (File.Exists(boot)) lines = File.ReadAllLines(boot);
        }

        return lines?.Where(l => l.EndsWith("=y", StringComparison.Ordinal) || l.EndsWith("=m", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
    }
}
