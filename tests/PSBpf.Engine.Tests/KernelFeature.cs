namespace PSBpf.Engine.Tests;

/// <summary>Kernel features some machines lack; tests for them run on the side of the probe that the machine is on.</summary>
public enum KernelFeature
{
    /// <summary>kprobes and kretprobes: the kprobe PMU (CONFIG_KPROBES).</summary>
    Kprobes,

    /// <summary>kprobe.multi links: CONFIG_FPROBE.</summary>
    Fprobe,

    /// <summary>BPF trampolines (fentry, fexit, lsm, freplace), probed by libbpf loading an fentry program.</summary>
    Trampolines,

    /// <summary>BPF_MAP_TYPE_ARENA maps, probed by creating the smallest one with bpf(2) directly.</summary>
    ArenaMaps,

    /// <summary>SRv6 local segments (seg6local routes, End.BPF): CONFIG_IPV6_SEG6_LWTUNNEL, probed with iproute2.</summary>
    Seg6LocalRoutes,
}

/// <summary>
/// What this machine has, found without PSBpf: sysfs, the kernel configuration and libbpf (the oracle). Each probe
/// also says what it found, which becomes the skip reason of the tests for the other side.
/// </summary>
internal static class KernelFeatureProbe
{
    private static readonly Lazy<(bool, string)> KprobesProbe = new(ProbeKprobes);
    private static readonly Lazy<(bool, string)> FprobeProbe = new(ProbeFprobe);
    private static readonly Lazy<(bool, string)> TrampolinesProbe = new(ProbeTrampolines);
    private static readonly Lazy<(bool, string)> ArenaProbe = new(ProbeArena);
    private static readonly Lazy<(bool, string)> Seg6LocalProbe = new(ProbeSeg6Local);

    public static (bool Present, string Finding) Probe(KernelFeature feature) => feature switch
    {
        KernelFeature.Kprobes => KprobesProbe.Value,
        KernelFeature.Fprobe => FprobeProbe.Value,
        KernelFeature.Trampolines => TrampolinesProbe.Value,
        KernelFeature.ArenaMaps => ArenaProbe.Value,
        KernelFeature.Seg6LocalRoutes => Seg6LocalProbe.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(feature)),
    };

    public static bool Has(KernelFeature feature) => Probe(feature).Present;

    private static (bool, string) ProbeKprobes()
    {
        // the kernel registers the kprobe PMU only when built with CONFIG_KPROBES; perf_event_open needs its type
        const string pmu = "/sys/bus/event_source/devices/kprobe";
        bool present = Directory.Exists(pmu);
        return (present, $"{pmu} {(present ? "exists" : "is absent")} (CONFIG_KPROBES {Config("KPROBES")})");
    }

    private static (bool, string) ProbeFprobe()
    {
        bool? fprobe = KernelConfig.Has("FPROBE");
        if (fprobe is null) throw new InvalidOperationException("the kernel configuration (/proc/config.gz or /boot/config-*) cannot be read: cannot tell whether it has CONFIG_FPROBE");
        return (fprobe.Value, $"CONFIG_FPROBE is {Config("FPROBE")}");
    }

    private static (bool, string) ProbeTrampolines()
    {
        // libbpf, not PSBpf, decides: the reference loads one fentry program; EPERM as root means no trampolines
        using var result = Oracle.Run("load", Fixtures.Object("tracing"), "--only", "fentry_unlinkat");
        if (!result.RootElement.TryGetProperty("error", out var error)) return (true, "libbpf loads fentry/do_unlinkat here");
        int errno = result.RootElement.GetProperty("errno").GetInt32();
        if (errno != Native.Errno.EPERM)
        {
            throw new InvalidOperationException($"libbpf's fentry probe failed for another reason than EPERM: {error} ({errno})");
        }

        return (false, $"libbpf's load of fentry/do_unlinkat fails with EPERM as root ({error}): no BPF trampolines (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS {Config("DYNAMIC_FTRACE_WITH_DIRECT_CALLS")})");
    }

    private static (bool, string) ProbeArena()
    {
        // one page, BPF_F_MMAPABLE, no fixed address: what every arena needs; EPERM as root is the kernel's policy
        int errno = RawBpf.TryCreateMap(type: 33, maxEntries: 1, flags: 1u << 10);
        if (errno == 0) return (true, "bpf(BPF_MAP_CREATE) of a one-page arena succeeds here");
        if (errno is not (Native.Errno.EPERM or Native.Errno.EINVAL or Native.Errno.EOPNOTSUPP))
        {
            throw new InvalidOperationException($"the arena probe failed for an unexpected reason: errno {errno}");
        }

        return (false, $"bpf(BPF_MAP_CREATE) of a one-page arena fails with errno {errno} as root (CONFIG_BPF_JIT {Config("BPF_JIT")})");
    }

    private static (bool, string) ProbeSeg6Local()
    {
        // iproute2, not PSBpf, asks: a plain End action on lo in a throwaway namespace; the kernel refuses an encap
        // type it was built without with EOPNOTSUPP, which ip prints as "lwt encapsulation type not supported"
        string ns = $"psbpf-seg6-probe-{Environment.ProcessId}";
        Sh.Run("ip", "netns", "add", ns);
        try
        {
            Sh.Run("ip", "-n", ns, "link", "set", "lo", "up");
            var (code, _, stderr) = Sh.Capture("ip", "-n", ns, "-6", "route", "add", "fc00::1/128", "encap", "seg6local", "action", "End", "dev", "lo");
            if (code == 0) return (true, "ip -6 route add ... encap seg6local action End succeeds in a fresh namespace");
            if (!stderr.Contains("not supported", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the seg6local probe failed for an unexpected reason: {stderr.Trim()}");
            }

            return (false, $"ip -6 route add ... encap seg6local action End fails: {stderr.Trim()} (CONFIG_IPV6_SEG6_LWTUNNEL {Config("IPV6_SEG6_LWTUNNEL")})");
        }
        finally
        {
            Sh.Capture("ip", "netns", "del", ns);
        }
    }

    private static string Config(string option) => KernelConfig.Has(option) switch
    {
        true => "on",
        false => "off",
        null => "unknown",
    };
}

/// <summary>A fact that runs where the kernel has <paramref name="feature"/>, and is skipped with the probe's finding elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactWhereKernelHasAttribute : FactAttribute
{
    public FactWhereKernelHasAttribute(KernelFeature feature)
    {
        var (present, finding) = KernelFeatureProbe.Probe(feature);
        if (!present) Skip = $"needs {feature}: {finding}";
    }
}

/// <summary>A fact about the refusal on kernels without <paramref name="feature"/>; skipped with the probe's finding where it exists.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactWhereKernelLacksAttribute : FactAttribute
{
    public FactWhereKernelLacksAttribute(KernelFeature feature)
    {
        var (present, finding) = KernelFeatureProbe.Probe(feature);
        if (present) Skip = $"the kernel has {feature}: {finding}";
    }
}
