namespace PSBpf.Engine;

/// <summary>
/// The SEC() name table, in libbpf's order (first match wins), mirroring current libbpf's section_defs.
/// Auto-attach is marked where libbpf has an attach function for the section; links for XDP, tc and cgroups need a target.
/// </summary>
public static class BpfSectionTable
{
    /// <summary>All definitions, in match order.</summary>
    public static IReadOnlyList<BpfSectionDefinition> Definitions { get; } =
    [
        new("socket", BpfProgramType.socket_filter, null, BpfSectionFlags.None, false),
        new("sk_reuseport/migrate", BpfProgramType.sk_reuseport, BpfAttachType.sk_reuseport_select_or_migrate, BpfSectionFlags.Attachable, false),
        new("sk_reuseport", BpfProgramType.sk_reuseport, BpfAttachType.sk_reuseport_select, BpfSectionFlags.Attachable, false),
        new("kprobe+", BpfProgramType.kprobe, null, BpfSectionFlags.None, true),
        new("uprobe+", BpfProgramType.kprobe, null, BpfSectionFlags.None, true),
        new("uprobe.s+", BpfProgramType.kprobe, null, BpfSectionFlags.Sleepable, true),
        new("kretprobe+", BpfProgramType.kprobe, null, BpfSectionFlags.None, true),
        new("uretprobe+", BpfProgramType.kprobe, null, BpfSectionFlags.None, true),
        new("uretprobe.s+", BpfProgramType.kprobe, null, BpfSectionFlags.Sleepable, true),
        new("kprobe.multi+", BpfProgramType.kprobe, BpfAttachType.trace_kprobe_multi, BpfSectionFlags.None, true),
        new("kretprobe.multi+", BpfProgramType.kprobe, BpfAttachType.trace_kprobe_multi, BpfSectionFlags.None, true),
        new("kprobe.session+", BpfProgramType.kprobe, BpfAttachType.trace_kprobe_session, BpfSectionFlags.None, true),
        new("uprobe.multi+", BpfProgramType.kprobe, BpfAttachType.trace_uprobe_multi, BpfSectionFlags.None, true),
        new("uretprobe.multi+", BpfProgramType.kprobe, BpfAttachType.trace_uprobe_multi, BpfSectionFlags.None, true),
        new("uprobe.session+", BpfProgramType.kprobe, BpfAttachType.trace_uprobe_session, BpfSectionFlags.None, true),
        new("uprobe.multi.s+", BpfProgramType.kprobe, BpfAttachType.trace_uprobe_multi, BpfSectionFlags.Sleepable, true),
        new("uretprobe.multi.s+", BpfProgramType.kprobe, BpfAttachType.trace_uprobe_multi, BpfSectionFlags.Sleepable, true),
        new("uprobe.session.s+", BpfProgramType.kprobe, BpfAttachType.trace_uprobe_session, BpfSectionFlags.Sleepable, true),
        new("ksyscall+", BpfProgramType.kprobe, null, BpfSectionFlags.None, true),
        new("kretsyscall+", BpfProgramType.kprobe, null, BpfSectionFlags.None, true),
        new("usdt+", BpfProgramType.kprobe, null, BpfSectionFlags.Usdt, true),
        new("usdt.s+", BpfProgramType.kprobe, null, BpfSectionFlags.Usdt | BpfSectionFlags.Sleepable, true),
        new("tc/ingress", BpfProgramType.sched_cls, BpfAttachType.tcx_ingress, BpfSectionFlags.None, false),
        new("tc/egress", BpfProgramType.sched_cls, BpfAttachType.tcx_egress, BpfSectionFlags.None, false),
        new("tcx/ingress", BpfProgramType.sched_cls, BpfAttachType.tcx_ingress, BpfSectionFlags.None, false),
        new("tcx/egress", BpfProgramType.sched_cls, BpfAttachType.tcx_egress, BpfSectionFlags.None, false),
        new("tc", BpfProgramType.sched_cls, null, BpfSectionFlags.None, false),
        new("classifier", BpfProgramType.sched_cls, null, BpfSectionFlags.None, false),
        new("action", BpfProgramType.sched_act, null, BpfSectionFlags.None, false),
        new("netkit/primary", BpfProgramType.sched_cls, BpfAttachType.netkit_primary, BpfSectionFlags.None, false),
        new("netkit/peer", BpfProgramType.sched_cls, BpfAttachType.netkit_peer, BpfSectionFlags.None, false),
        new("tracepoint+", BpfProgramType.tracepoint, null, BpfSectionFlags.None, true),
        new("tp+", BpfProgramType.tracepoint, null, BpfSectionFlags.None, true),
        new("tracepoint.s+", BpfProgramType.tracepoint, null, BpfSectionFlags.Sleepable, true),
        new("tp.s+", BpfProgramType.tracepoint, null, BpfSectionFlags.Sleepable, true),
        new("raw_tracepoint+", BpfProgramType.raw_tracepoint, null, BpfSectionFlags.None, true),
        new("raw_tp+", BpfProgramType.raw_tracepoint, null, BpfSectionFlags.None, true),
        new("raw_tracepoint.s+", BpfProgramType.raw_tracepoint, null, BpfSectionFlags.Sleepable, true),
        new("raw_tp.s+", BpfProgramType.raw_tracepoint, null, BpfSectionFlags.Sleepable, true),
        new("raw_tracepoint.w+", BpfProgramType.raw_tracepoint_writable, null, BpfSectionFlags.None, true),
        new("raw_tp.w+", BpfProgramType.raw_tracepoint_writable, null, BpfSectionFlags.None, true),
        new("tp_btf+", BpfProgramType.tracing, BpfAttachType.trace_raw_tp, BpfSectionFlags.AttachBtf, true),
        new("tp_btf.s+", BpfProgramType.tracing, BpfAttachType.trace_raw_tp, BpfSectionFlags.AttachBtf | BpfSectionFlags.Sleepable, true),
        new("fentry+", BpfProgramType.tracing, BpfAttachType.trace_fentry, BpfSectionFlags.AttachBtf, true),
        new("fmod_ret+", BpfProgramType.tracing, BpfAttachType.modify_return, BpfSectionFlags.AttachBtf, true),
        new("fexit+", BpfProgramType.tracing, BpfAttachType.trace_fexit, BpfSectionFlags.AttachBtf, true),
        new("fentry.s+", BpfProgramType.tracing, BpfAttachType.trace_fentry, BpfSectionFlags.AttachBtf | BpfSectionFlags.Sleepable, true),
        new("fmod_ret.s+", BpfProgramType.tracing, BpfAttachType.modify_return, BpfSectionFlags.AttachBtf | BpfSectionFlags.Sleepable, true),
        new("fexit.s+", BpfProgramType.tracing, BpfAttachType.trace_fexit, BpfSectionFlags.AttachBtf | BpfSectionFlags.Sleepable, true),
        new("fsession+", BpfProgramType.tracing, BpfAttachType.trace_fsession, BpfSectionFlags.AttachBtf, true),
        new("fsession.s+", BpfProgramType.tracing, BpfAttachType.trace_fsession, BpfSectionFlags.AttachBtf | BpfSectionFlags.Sleepable, true),
        new("fsession.multi+", BpfProgramType.tracing, BpfAttachType.trace_fsession_multi, BpfSectionFlags.None, true),
        new("fsession.multi.s+", BpfProgramType.tracing, BpfAttachType.trace_fsession_multi, BpfSectionFlags.Sleepable, true),
        new("fentry.multi+", BpfProgramType.tracing, BpfAttachType.trace_fentry_multi, BpfSectionFlags.None, true),
        new("fexit.multi+", BpfProgramType.tracing, BpfAttachType.trace_fexit_multi, BpfSectionFlags.None, true),
        new("fentry.multi.s+", BpfProgramType.tracing, BpfAttachType.trace_fentry_multi, BpfSectionFlags.Sleepable, true),
        new("fexit.multi.s+", BpfProgramType.tracing, BpfAttachType.trace_fexit_multi, BpfSectionFlags.Sleepable, true),
        new("freplace+", BpfProgramType.ext, null, BpfSectionFlags.AttachBtf, true),
        new("lsm+", BpfProgramType.lsm, BpfAttachType.lsm_mac, BpfSectionFlags.AttachBtf, true),
        new("lsm.s+", BpfProgramType.lsm, BpfAttachType.lsm_mac, BpfSectionFlags.AttachBtf | BpfSectionFlags.Sleepable, true),
        new("lsm_cgroup+", BpfProgramType.lsm, BpfAttachType.lsm_cgroup, BpfSectionFlags.AttachBtf, false),
        new("iter+", BpfProgramType.tracing, BpfAttachType.trace_iter, BpfSectionFlags.AttachBtf, true),
        new("iter.s+", BpfProgramType.tracing, BpfAttachType.trace_iter, BpfSectionFlags.AttachBtf | BpfSectionFlags.Sleepable, true),
        new("syscall", BpfProgramType.syscall, null, BpfSectionFlags.Sleepable, false),
        new("xdp.frags/devmap", BpfProgramType.xdp, BpfAttachType.xdp_devmap, BpfSectionFlags.XdpFrags, false),
        new("xdp/devmap", BpfProgramType.xdp, BpfAttachType.xdp_devmap, BpfSectionFlags.Attachable, false),
        new("xdp.frags/cpumap", BpfProgramType.xdp, BpfAttachType.xdp_cpumap, BpfSectionFlags.XdpFrags, false),
        new("xdp/cpumap", BpfProgramType.xdp, BpfAttachType.xdp_cpumap, BpfSectionFlags.Attachable, false),
        new("xdp.frags", BpfProgramType.xdp, BpfAttachType.xdp, BpfSectionFlags.XdpFrags, false),
        new("xdp", BpfProgramType.xdp, BpfAttachType.xdp, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("perf_event", BpfProgramType.perf_event, null, BpfSectionFlags.None, false),
        new("lwt_in", BpfProgramType.lwt_in, null, BpfSectionFlags.None, false),
        new("lwt_out", BpfProgramType.lwt_out, null, BpfSectionFlags.None, false),
        new("lwt_xmit", BpfProgramType.lwt_xmit, null, BpfSectionFlags.None, false),
        new("lwt_seg6local", BpfProgramType.lwt_seg6local, null, BpfSectionFlags.None, false),
        new("sockops", BpfProgramType.sock_ops, BpfAttachType.cgroup_sock_ops, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("sk_skb/stream_parser", BpfProgramType.sk_skb, BpfAttachType.sk_skb_stream_parser, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("sk_skb/stream_verdict", BpfProgramType.sk_skb, BpfAttachType.sk_skb_stream_verdict, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("sk_skb/verdict", BpfProgramType.sk_skb, BpfAttachType.sk_skb_verdict, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("sk_skb", BpfProgramType.sk_skb, null, BpfSectionFlags.None, false),
        new("sk_msg", BpfProgramType.sk_msg, BpfAttachType.sk_msg_verdict, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("lirc_mode2", BpfProgramType.lirc_mode2, BpfAttachType.lirc_mode2, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("flow_dissector", BpfProgramType.flow_dissector, BpfAttachType.flow_dissector, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("cgroup_skb/ingress", BpfProgramType.cgroup_skb, BpfAttachType.cgroup_inet_ingress, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("cgroup_skb/egress", BpfProgramType.cgroup_skb, BpfAttachType.cgroup_inet_egress, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("cgroup/skb", BpfProgramType.cgroup_skb, null, BpfSectionFlags.None, false),
        new("cgroup/sock_create", BpfProgramType.cgroup_sock, BpfAttachType.cgroup_inet_sock_create, BpfSectionFlags.Attachable, false),
        new("cgroup/sock_release", BpfProgramType.cgroup_sock, BpfAttachType.cgroup_inet_sock_release, BpfSectionFlags.Attachable, false),
        new("cgroup/sock", BpfProgramType.cgroup_sock, BpfAttachType.cgroup_inet_sock_create, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("cgroup/post_bind4", BpfProgramType.cgroup_sock, BpfAttachType.cgroup_inet4_post_bind, BpfSectionFlags.Attachable, false),
        new("cgroup/post_bind6", BpfProgramType.cgroup_sock, BpfAttachType.cgroup_inet6_post_bind, BpfSectionFlags.Attachable, false),
        new("cgroup/bind4", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet4_bind, BpfSectionFlags.Attachable, false),
        new("cgroup/bind6", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet6_bind, BpfSectionFlags.Attachable, false),
        new("cgroup/connect4", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet4_connect, BpfSectionFlags.Attachable, false),
        new("cgroup/connect6", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet6_connect, BpfSectionFlags.Attachable, false),
        new("cgroup/connect_unix", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_unix_connect, BpfSectionFlags.Attachable, false),
        new("cgroup/sendmsg4", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_udp4_sendmsg, BpfSectionFlags.Attachable, false),
        new("cgroup/sendmsg6", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_udp6_sendmsg, BpfSectionFlags.Attachable, false),
        new("cgroup/sendmsg_unix", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_unix_sendmsg, BpfSectionFlags.Attachable, false),
        new("cgroup/recvmsg4", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_udp4_recvmsg, BpfSectionFlags.Attachable, false),
        new("cgroup/recvmsg6", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_udp6_recvmsg, BpfSectionFlags.Attachable, false),
        new("cgroup/recvmsg_unix", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_unix_recvmsg, BpfSectionFlags.Attachable, false),
        new("cgroup/getpeername4", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet4_getpeername, BpfSectionFlags.Attachable, false),
        new("cgroup/getpeername6", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet6_getpeername, BpfSectionFlags.Attachable, false),
        new("cgroup/getpeername_unix", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_unix_getpeername, BpfSectionFlags.Attachable, false),
        new("cgroup/getsockname4", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet4_getsockname, BpfSectionFlags.Attachable, false),
        new("cgroup/getsockname6", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_inet6_getsockname, BpfSectionFlags.Attachable, false),
        new("cgroup/getsockname_unix", BpfProgramType.cgroup_sock_addr, BpfAttachType.cgroup_unix_getsockname, BpfSectionFlags.Attachable, false),
        new("cgroup/sysctl", BpfProgramType.cgroup_sysctl, BpfAttachType.cgroup_sysctl, BpfSectionFlags.Attachable, false),
        new("cgroup/getsockopt", BpfProgramType.cgroup_sockopt, BpfAttachType.cgroup_getsockopt, BpfSectionFlags.Attachable, false),
        new("cgroup/setsockopt", BpfProgramType.cgroup_sockopt, BpfAttachType.cgroup_setsockopt, BpfSectionFlags.Attachable, false),
        new("cgroup/dev", BpfProgramType.cgroup_device, BpfAttachType.cgroup_device, BpfSectionFlags.Attachable | BpfSectionFlags.ExpectedAttachTypeOptional, false),
        new("struct_ops+", BpfProgramType.struct_ops, null, BpfSectionFlags.None, false),
        new("struct_ops.s+", BpfProgramType.struct_ops, null, BpfSectionFlags.Sleepable, false),
        new("sk_lookup", BpfProgramType.sk_lookup, BpfAttachType.sk_lookup, BpfSectionFlags.Attachable, false),
        new("netfilter", BpfProgramType.netfilter, BpfAttachType.netfilter, BpfSectionFlags.None, false),
    ];

    /// <summary>The definition for a section name (a leading '?' is ignored), or null when the name is not recognised.</summary>
    public static BpfSectionDefinition? Find(string section)
    {
        if (section.StartsWith('?'))
        {
            section = section[1..];
        }

        foreach (var d in Definitions)
        {
            if (d.Matches(section))
            {
                return d;
            }
        }

        return null;
    }
}
