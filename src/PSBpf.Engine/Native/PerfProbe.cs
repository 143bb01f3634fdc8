using System.Globalization;
using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>
/// perf_event_open(2) through the dynamic uprobe/kprobe PMUs (/sys/bus/event_source/devices/{uprobe,kprobe}): the
/// probe exists as long as the perf event fd, with no tracefs probe_events entry to clean up.
/// </summary>
internal static unsafe class PerfProbe
{
    private const string Devices = "/sys/bus/event_source/devices";

    /// <summary>True when the kernel has the PMU (kprobe is missing without CONFIG_KPROBES).</summary>
    public static bool HasPmu(string pmu) => File.Exists(Path.Combine(Devices, pmu, "type"));

    /// <summary>
    /// Opens a uprobe on <paramref name="path"/> at file <paramref name="offset"/> (config1 = path pointer, config2 =
    /// offset), or a kprobe on <paramref name="path"/> as function name (config1) plus offset (config2). A uprobe with
    /// <paramref name="refCtrOffset"/> increments the 16-bit counter at that file offset while attached (a USDT
    /// semaphore; config bits 32-63, PERF_UPROBE_REF_CTR_OFFSET_SHIFT).
    /// </summary>
    public static BpfFd Open(string pmu, string path, ulong offset, bool retprobe, int pid, string what, ulong refCtrOffset = 0)
    {
        if (!HasPmu(pmu))
        {
            throw new NotSupportedException($"{what}: this kernel has no {pmu} PMU ({Path.Combine(Devices, pmu)} is missing; kernel built without CONFIG_{pmu.ToUpperInvariant()}S?)");
        }

        uint type = uint.Parse(File.ReadAllText(Path.Combine(Devices, pmu, "type")).Trim(), CultureInfo.InvariantCulture);
        ulong config = 0;
        if (retprobe) config |= 1UL << RetprobeBit(pmu);
        config |= refCtrOffset << 32;
        var bytes = NativeText.CPath(path);
        fixed (byte* p = bytes)
        {
            var attr = new PerfEventAttr { type = type, config = config, config1 = (ulong)p, config2 = offset, sample_period = 1, wakeup_events = 1 };
            // pid -1 needs cpu 0 (one event covers every CPU for a probe; see TracepointLink); a pid filter takes any CPU
            return Perf.Open(ref attr, pid, pid >= 0 ? -1 : 0, what);
        }
    }

    /// <summary>The bit of config that asks for a return probe, from the PMU's format file ("config:0").</summary>
    private static int RetprobeBit(string pmu)
    {
        var file = Path.Combine(Devices, pmu, "format", "retprobe");
        var text = File.Exists(file) ? File.ReadAllText(file).Trim() : "config:0";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        return int.Parse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
