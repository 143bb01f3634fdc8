using System.Globalization;

namespace PSBpf.Engine.Native;

/// <summary>The calling thread's effective capabilities (they are per thread), to tell "not privileged" from "not supported".</summary>
internal static class Capabilities
{
    internal const int CapNetAdmin = 12;
    internal const int CapSysAdmin = 21;
    internal const int CapPerfmon = 38;
    internal const int CapBpf = 39;

    /// <summary>True when the calling thread holds CAP_BPF or CAP_SYS_ADMIN.</summary>
    public static bool HasBpf() => Has(CapBpf) || Has(CapSysAdmin);

    /// <summary>True when the calling thread holds capability <paramref name="cap"/> (false when procfs cannot tell).</summary>
    public static bool Has(int cap) => Effective() is { } eff && (eff & (1UL << cap)) != 0;

    /// <summary>
    /// "CAP_X and CAP_Y": those of <paramref name="caps"/> this thread lacks (CAP_SYS_ADMIN stands in for CAP_BPF and
    /// CAP_PERFMON, as in the kernel), or null when it holds them all.
    /// </summary>
    public static string? Missing(params int[] caps)
    {
        var missing = caps.Where(c => !Has(c) && !(c is CapBpf or CapPerfmon && Has(CapSysAdmin))).Select(Name).ToArray();
        return missing.Length == 0 ? null : string.Join(" and ", missing);
    }

    public static string Name(int cap) => cap switch
    {
        CapNetAdmin => "CAP_NET_ADMIN",
        CapSysAdmin => "CAP_SYS_ADMIN",
        CapPerfmon => "CAP_PERFMON",
        CapBpf => "CAP_BPF",
        _ => $"capability {cap}",
    };

    private static ulong? Effective()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/thread-self/status"))
            {
                if (!line.StartsWith("CapEff:", StringComparison.Ordinal)) continue;
                return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // no procfs: assume the usual cause
        }

        return null;
    }
}
