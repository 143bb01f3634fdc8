using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Interface name → index for the network links (XDP, tcx); links take the index in the caller's namespace.</summary>
internal static class NetworkInterface
{
    public static uint Index(string name)
    {
        uint ifindex = LibC.InterfaceIndex(name);
        return ifindex != 0 ? ifindex : throw new ArgumentException($"no network interface '{name}' in this network namespace", nameof(name));
    }
}
