using System.IO.Compression;

namespace PSBpf.Engine.Loader;

/// <summary>The running kernel's configuration: /proc/config.gz, else /boot/config-$(uname -r).</summary>
internal static class KernelConfig
{
    private static readonly Lazy<(IReadOnlyDictionary<string, string>? Values, string Source)> Cached = new(Read);

    /// <summary>CONFIG_* → raw value text ("y", "m", "\"str\"", "100"); null when no config source exists.</summary>
    public static IReadOnlyDictionary<string, string>? Values => Cached.Value.Values;

    /// <summary>Where the values came from (for messages).</summary>
    public static string Source => Cached.Value.Source;

    /// <summary>Parses config text: CONFIG_X=value lines; "# CONFIG_X is not set" means n.</summary>
    public static Dictionary<string, string> Parse(TextReader reader)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (!line.StartsWith("CONFIG_", StringComparison.Ordinal)) continue;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == line.Length - 1) continue;
            d[line[..eq]] = line[(eq + 1)..];
        }

        return d;
    }

    private static (IReadOnlyDictionary<string, string>?, string) Read()
    {
        if (File.Exists("/proc/config.gz"))
        {
            using var gz = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
            using var r = new StreamReader(gz);
            return (Parse(r), "/proc/config.gz");
        }

        var boot = $"/boot/config-{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}";
        if (File.Exists(boot))
        {
            using var r = new StreamReader(boot);
            return (Parse(r), boot);
        }

        return (null, "/proc/config.gz or " + boot);
    }
}
