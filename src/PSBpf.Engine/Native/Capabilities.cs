using System.Globalization;

namespace PSBpf.Engine.Native;

/// <summary>The calling thread's effective capabilities (they are per thread), to tell "not privileged" from "not supported".</summary>
internal static class Capabilities
{
    private const int CapSysAdmin = 21;
    private const int CapBpf = 39;

    /// <summary>True when the calling thread holds CAP_BPF or CAP_SYS_ADMIN.</summary>
    public static bool HasBpf()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/thread-self/status"))
            {
                if (!line.StartsWith("CapEff:", StringComparison.Ordinal)) continue;
                ulong eff = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return (eff & (1UL << CapBpf)) != 0 || (eff & (1UL << CapSysAdmin)) != 0;
            }
        }
        catch (IOException)
        {
            // no procfs: assume the usual cause
        }

        return false;
    }
}
