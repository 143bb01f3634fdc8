namespace PSBpf.Engine.Native;

/// <summary>rtnetlink constants for tc, links (XDP) and routes (linux/netlink.h, rtnetlink.h, if_link.h, pkt_sched.h, pkt_cls.h, lwtunnel.h,
/// seg6_local.h), with their uapi names.</summary>
internal static class Rtnetlink
{
    public const int AfNetlink = 16;      // AF_NETLINK
    public const int NetlinkRoute = 0;    // NETLINK_ROUTE
    public const int SolNetlink = 270;    // SOL_NETLINK
    public const int NetlinkCapAck = 10;  // NETLINK_CAP_ACK: acks do not echo the request back
    public const int NetlinkExtAck = 11;  // NETLINK_EXT_ACK: errors carry the kernel's message

    public const ushort NlmsgError = 2;   // NLMSG_ERROR
    public const ushort NlmsgDone = 3;    // NLMSG_DONE
    public const ushort FlagDumpIntr = 0x10; // NLM_F_DUMP_INTR: the dump was inconsistent (the table changed meanwhile)

    public const ushort FlagRequest = 0x1;   // NLM_F_REQUEST
    public const ushort FlagAck = 0x4;       // NLM_F_ACK
    public const ushort FlagEcho = 0x8;      // NLM_F_ECHO
    public const ushort FlagDump = 0x300;    // NLM_F_DUMP (ROOT | MATCH)
    public const ushort FlagExcl = 0x200;    // NLM_F_EXCL
    public const ushort FlagCreate = 0x400;  // NLM_F_CREATE
    public const ushort FlagCapped = 0x100;  // NLM_F_CAPPED (in an NLMSG_ERROR)
    public const ushort FlagAckTlvs = 0x200; // NLM_F_ACK_TLVS (in an NLMSG_ERROR)
    public const ushort ErrAttrMsg = 1;      // NLMSGERR_ATTR_MSG

    public const ushort NewQdisc = 36;    // RTM_NEWQDISC
    public const ushort DelQdisc = 37;    // RTM_DELQDISC
    public const ushort NewTfilter = 44;  // RTM_NEWTFILTER
    public const ushort DelTfilter = 45;  // RTM_DELTFILTER
    public const ushort GetTfilter = 46;  // RTM_GETTFILTER

    public const ushort TcaKind = 1;      // TCA_KIND
    public const ushort TcaOptions = 2;   // TCA_OPTIONS
    public const ushort TcaBpfFd = 6;     // TCA_BPF_FD
    public const ushort TcaBpfName = 7;   // TCA_BPF_NAME
    public const ushort TcaBpfFlags = 8;  // TCA_BPF_FLAGS
    public const ushort TcaBpfTag = 10;   // TCA_BPF_TAG
    public const ushort TcaBpfId = 11;    // TCA_BPF_ID
    public const uint TcaBpfFlagActDirect = 1; // TCA_BPF_FLAG_ACT_DIRECT: the program's return value is the tc action
    public const ushort NlaFNested = 0x8000;   // NLA_F_NESTED

    public const uint TcHClsact = 0xFFFFFFF1;      // TC_H_CLSACT (= TC_H_INGRESS): the clsact qdisc's parent
    public const uint TcHClsactHandle = 0xFFFF0000; // TC_H_MAKE(TC_H_CLSACT, 0): the clsact qdisc's handle
    public const uint TcHIngressParent = 0xFFFFFFF2; // TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
    public const uint TcHEgressParent = 0xFFFFFFF3;  // TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)
    public const ushort EthPAllBigEndian = 0x0300;   // htons(ETH_P_ALL): tcm_info's protocol half

    public const ushort NewLink = 16;     // RTM_NEWLINK
    public const ushort GetLink = 18;     // RTM_GETLINK
    public const ushort SetLink = 19;     // RTM_SETLINK

    public const ushort IflaIfname = 3;     // IFLA_IFNAME
    public const ushort IflaLinkinfo = 18;  // IFLA_LINKINFO
    public const ushort IflaInfoKind = 1;   // IFLA_INFO_KIND (in IFLA_LINKINFO)
    public const ushort IflaXdp = 43;       // IFLA_XDP
    public const ushort IflaXdpFd = 1;            // IFLA_XDP_FD
    public const ushort IflaXdpAttached = 2;      // IFLA_XDP_ATTACHED
    public const ushort IflaXdpFlags = 3;         // IFLA_XDP_FLAGS
    public const ushort IflaXdpProgId = 4;        // IFLA_XDP_PROG_ID
    public const ushort IflaXdpDrvProgId = 5;     // IFLA_XDP_DRV_PROG_ID
    public const ushort IflaXdpSkbProgId = 6;     // IFLA_XDP_SKB_PROG_ID
    public const ushort IflaXdpHwProgId = 7;      // IFLA_XDP_HW_PROG_ID
    public const ushort IflaXdpExpectedFd = 8;    // IFLA_XDP_EXPECTED_FD
    public const byte XdpAttachedDrv = 1;   // XDP_ATTACHED_DRV
    public const byte XdpAttachedSkb = 2;   // XDP_ATTACHED_SKB
    public const byte XdpAttachedHw = 3;    // XDP_ATTACHED_HW
    public const byte XdpAttachedMulti = 4; // XDP_ATTACHED_MULTI: programs in more than one mode, each in its own attribute
    public const uint XdpFlagsReplace = 16; // XDP_FLAGS_REPLACE: detach only if IFLA_XDP_EXPECTED_FD is what is attached
    public const ushort NlaTypeMask = 0x3FFF; // ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)

    public const ushort NewRoute = 24;    // RTM_NEWROUTE
    public const ushort DelRoute = 25;    // RTM_DELROUTE

    public const byte AfInet = 2;          // AF_INET
    public const byte AfInet6 = 10;        // AF_INET6
    public const byte RtTableMain = 254;   // RT_TABLE_MAIN
    public const byte RtprotBoot = 3;      // RTPROT_BOOT: what `ip route add` sets
    public const byte RtScopeUniverse = 0; // RT_SCOPE_UNIVERSE: a route through a gateway
    public const byte RtScopeLink = 253;   // RT_SCOPE_LINK: a route straight onto the link
    public const byte RtScopeNowhere = 255; // RT_SCOPE_NOWHERE: in a delete, any scope
    public const byte RtnUnicast = 1;      // RTN_UNICAST

    public const ushort RtaDst = 1;        // RTA_DST
    public const ushort RtaOif = 4;        // RTA_OIF
    public const ushort RtaGateway = 5;    // RTA_GATEWAY
    public const ushort RtaTable = 15;     // RTA_TABLE
    public const ushort RtaEncapType = 21; // RTA_ENCAP_TYPE
    public const ushort RtaEncap = 22;     // RTA_ENCAP

    public const ushort LwtunnelEncapBpf = 6;       // LWTUNNEL_ENCAP_BPF
    public const ushort LwtunnelEncapSeg6Local = 7; // LWTUNNEL_ENCAP_SEG6_LOCAL
    public const ushort LwtBpfIn = 1;               // LWT_BPF_IN
    public const ushort LwtBpfOut = 2;              // LWT_BPF_OUT
    public const ushort LwtBpfXmit = 3;             // LWT_BPF_XMIT
    public const ushort LwtBpfProgFd = 1;           // LWT_BPF_PROG_FD (= SEG6_LOCAL_BPF_PROG)
    public const ushort LwtBpfProgName = 2;         // LWT_BPF_PROG_NAME (= SEG6_LOCAL_BPF_PROG_NAME)
    public const ushort Seg6LocalAction = 1;        // SEG6_LOCAL_ACTION
    public const ushort Seg6LocalBpf = 8;           // SEG6_LOCAL_BPF
    public const uint Seg6LocalActionEndBpf = 15;   // SEG6_LOCAL_ACTION_END_BPF

    public const int NlmsgHdrLen = 16; // struct nlmsghdr
    public const int TcmsgLen = 20;    // struct tcmsg
    public const int RtmsgLen = 12;    // struct rtmsg
    public const int IfinfomsgLen = 16; // struct ifinfomsg
}
