namespace PSBpf.Engine.Native;

/// <summary>rtnetlink constants for tc (linux/netlink.h, rtnetlink.h, pkt_sched.h, pkt_cls.h), with their uapi names.</summary>
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
    public const ushort TcaBpfId = 11;    // TCA_BPF_ID
    public const uint TcaBpfFlagActDirect = 1; // TCA_BPF_FLAG_ACT_DIRECT: the program's return value is the tc action
    public const ushort NlaFNested = 0x8000;   // NLA_F_NESTED

    public const uint TcHClsact = 0xFFFFFFF1;      // TC_H_CLSACT (= TC_H_INGRESS): the clsact qdisc's parent
    public const uint TcHClsactHandle = 0xFFFF0000; // TC_H_MAKE(TC_H_CLSACT, 0): the clsact qdisc's handle
    public const uint TcHIngressParent = 0xFFFFFFF2; // TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
    public const uint TcHEgressParent = 0xFFFFFFF3;  // TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)
    public const ushort EthPAllBigEndian = 0x0300;   // htons(ETH_P_ALL): tcm_info's protocol half

    public const int NlmsgHdrLen = 16; // struct nlmsghdr
    public const int TcmsgLen = 20;    // struct tcmsg
}
