namespace PSBpf.Engine;

/// <summary>Protocol family of a netfilter hook (NFPROTO_*; the kernel's BPF netfilter links take IPv4 and IPv6).</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfNetfilterFamily : ulong
{
    /// <summary>NFPROTO_IPV4.</summary>
    ipv4 = 2,
    /// <summary>NFPROTO_IPV6.</summary>
    ipv6 = 10,
}
