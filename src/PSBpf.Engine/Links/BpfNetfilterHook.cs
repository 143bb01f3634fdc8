namespace PSBpf.Engine;

/// <summary>Netfilter hook (enum nf_inet_hooks).</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfNetfilterHook : ulong
{
    /// <summary>NF_INET_PRE_ROUTING: every incoming packet, before routing.</summary>
    prerouting = 0,
    /// <summary>NF_INET_LOCAL_IN: incoming packets for this host.</summary>
    input = 1,
    /// <summary>NF_INET_FORWARD: packets routed through this host.</summary>
    forward = 2,
    /// <summary>NF_INET_LOCAL_OUT: packets this host sends.</summary>
    output = 3,
    /// <summary>NF_INET_POST_ROUTING: every outgoing packet, after routing.</summary>
    postrouting = 4,
}
