namespace PSBpf.Engine;

/// <summary>Where an XDP program runs (the XDP_FLAGS_*_MODE bits of a link's flags).</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfXdpMode : ulong
{
    /// <summary>The kernel's choice: the driver hook where the driver has one, else generic.</summary>
    Default = 0,
    /// <summary>XDP_FLAGS_SKB_MODE: generic XDP, after the skb is built; works on every interface.</summary>
    Generic = 2,
    /// <summary>XDP_FLAGS_DRV_MODE: in the driver, before an skb exists.</summary>
    Driver = 4,
    /// <summary>XDP_FLAGS_HW_MODE: offloaded to the NIC.</summary>
    Offload = 8,
}
