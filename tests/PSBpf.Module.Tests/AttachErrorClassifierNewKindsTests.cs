using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Module.Tests;

/// <summary>Failures of the netns, netfilter, perf_event and classic tc attach kinds: AttachFailed, with a hint that names what to check.</summary>
public sealed class AttachErrorClassifierNewKindsTests
{
    [Fact]
    public void A_missing_network_namespace_is_AttachFailed_and_points_at_ip_netns()
    {
        var info = BpfErrorClassifier.ClassifyAttach(new BpfSyscallException(BpfSystemCall.OpenNamespace, "open of network namespace (/run/netns/x)", 2), "count_lookup");
        Assert.Equal((BpfErrorIds.AttachFailed, BpfErrorCategory.InvalidOperation), (info.ErrorId, info.Category));
        Assert.Contains("/run/netns/x", info.Message, StringComparison.Ordinal);
        Assert.Contains("ip netns list", info.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Tc_netlink_perf_event_and_netfilter_priority_failures_carry_hints()
    {
        var tc = BpfErrorClassifier.ClassifyAttach(new BpfSyscallException(BpfSystemCall.Netlink, "RTM_NEWTFILTER (cls_bpf, direct-action) for program 'p' on veth0 ingress", 17, "Filter already exists"), "p");
        Assert.Equal(BpfErrorIds.AttachFailed, tc.ErrorId);
        Assert.Contains("Filter already exists", tc.Message, StringComparison.Ordinal);
        Assert.Contains("tc filter show", tc.RecommendedAction, StringComparison.Ordinal);

        var perf = BpfErrorClassifier.ClassifyAttach(new BpfSyscallException(BpfSystemCall.PerfEventOpen, "perf_event_open for program 'p' (perf_event type 1 config 1000 freq 99) on CPU 0", 2), "p");
        Assert.Contains("-PerfEvent", perf.RecommendedAction, StringComparison.Ordinal);

        var prio = BpfErrorClassifier.ClassifyAttach(new ArgumentOutOfRangeException("priority", int.MinValue, "netfilter priority"), "p");
        Assert.Equal(BpfErrorIds.AttachFailed, prio.ErrorId);
        Assert.Contains("-Priority", prio.RecommendedAction, StringComparison.Ordinal);

        // privileges keep their own id whatever the attach kind
        Assert.Equal(BpfErrorIds.PermissionDenied, BpfErrorClassifier.ClassifyAttach(new BpfSyscallException(BpfSystemCall.SetNs, "setns into network namespace x", 1), "p").ErrorId);
    }
}
