namespace PSBpf.Engine;

/// <summary>
/// Chooses the attach kind for a program from its type, expected attach type and section name (libbpf's per-section
/// attach functions), and fills in from <see cref="BpfAttachOptions"/> what the section name does not say.
/// </summary>
internal static class BpfAttacher
{
    public static bool CanAutoAttach(BpfProgram p) => p.Type switch
    {
        BpfProgramType.tracepoint => p.AttachTarget?.Split('/').Length == 2,
        BpfProgramType.raw_tracepoint or BpfProgramType.raw_tracepoint_writable => !string.IsNullOrEmpty(p.AttachTarget),
        BpfProgramType.tracing or BpfProgramType.lsm => p.ExpectedAttachType is BpfAttachType.trace_raw_tp or BpfAttachType.trace_fentry
            or BpfAttachType.trace_fexit or BpfAttachType.modify_return or BpfAttachType.trace_iter or BpfAttachType.lsm_mac,
        BpfProgramType.kprobe => IsUprobe(p) ? UprobeTarget.ParseSection(p.AttachTarget) is { Function: not null } : IsKprobe(p) && !string.IsNullOrEmpty(p.AttachTarget),
        _ => false,
    };

    public static BpfLink Attach(BpfProgram p, BpfAttachOptions? o)
    {
        p.LoadedFd();
        switch (p.Type)
        {
            case BpfProgramType.tracepoint:
                var tp = o?.Tracepoint ?? p.AttachTarget;
                if (tp?.Split('/') is [var category, var name]) return TracepointLink.Attach(p, category, name);
                throw Needs(p, "a tracepoint (\"category/name\")");
            case BpfProgramType.raw_tracepoint or BpfProgramType.raw_tracepoint_writable:
                var raw = o?.Tracepoint ?? p.AttachTarget;
                return string.IsNullOrEmpty(raw) ? throw Needs(p, "a raw tracepoint name") : RawTracepointLink.Attach(p, raw);
            case BpfProgramType.tracing when p.ExpectedAttachType == BpfAttachType.trace_iter:
                return IterLink.Attach(p);
            case BpfProgramType.tracing when p.ExpectedAttachType is BpfAttachType.trace_raw_tp or BpfAttachType.trace_fentry or BpfAttachType.trace_fexit or BpfAttachType.modify_return:
            case BpfProgramType.lsm when p.ExpectedAttachType == BpfAttachType.lsm_mac:
                return TracingLink.Attach(p);
            case BpfProgramType.xdp:
                return o?.Interface is { } xdpIf ? XdpLink.Attach(p, xdpIf, o.XdpMode) : throw Needs(p, "an interface (Interface)");
            case BpfProgramType.sched_cls:
                if (o?.Interface is not { } tcIf) throw Needs(p, "an interface (Interface)");
                var dir = o.AttachType ?? p.ExpectedAttachType ?? throw Needs(p, "a direction (AttachType tcx_ingress or tcx_egress)");
                return AttachTc(p, tcIf, dir, o);
            case BpfProgramType.cgroup_skb or BpfProgramType.cgroup_sock or BpfProgramType.cgroup_sock_addr or BpfProgramType.cgroup_sockopt
                or BpfProgramType.cgroup_sysctl or BpfProgramType.cgroup_device or BpfProgramType.sock_ops:
                if (o?.CgroupPath is not { } cg) throw Needs(p, "a cgroup (CgroupPath)");
                var hook = o.AttachType ?? p.ExpectedAttachType ?? throw Needs(p, "a cgroup hook (AttachType, e.g. cgroup_inet_ingress)");
                return o.Legacy ? CgroupProgAttachment.Attach(p, cg, hook) : CgroupLink.Attach(p, cg, hook);
            case BpfProgramType.socket_filter:
                return o?.Socket is { } socket ? SocketFilterLink.Attach(p, socket) : throw Needs(p, "a socket (Socket)");
            case BpfProgramType.kprobe when IsUprobe(p):
                // an explicit binary replaces the section's target whole; otherwise options may still pick another function
                var sec = UprobeTarget.ParseSection(p.AttachTarget);
                string? binary = o?.BinaryPath ?? sec?.Binary;
                if (binary is null) throw Needs(p, "a binary and function (BinaryPath, Symbol or Offset)");
                bool fromSection = o?.BinaryPath is null && o?.Symbol is null;
                string? symbol = fromSection ? sec?.Function : o!.Symbol;
                ulong offset = fromSection ? (sec?.Offset ?? 0) + (o?.Offset ?? 0) : o!.Offset;
                bool ret = o?.Retprobe ?? p.SectionName.StartsWith("uretprobe", StringComparison.Ordinal);
                return UprobeLink.Attach(p, binary, symbol, offset, ret, o?.ProcessId);
            case BpfProgramType.kprobe when IsKprobe(p):
                string? function = o?.Symbol ?? p.AttachTarget;
                if (string.IsNullOrEmpty(function)) throw Needs(p, "a kernel function (Symbol)");
                bool kret = o?.Retprobe ?? p.SectionName.StartsWith("kretprobe", StringComparison.Ordinal);
                return KprobeLink.Attach(p, function, o?.Offset ?? 0, kret);
            case BpfProgramType.sk_lookup:
                return o?.NetworkNamespace is { } skNetns ? SkLookupLink.Attach(p, skNetns) : throw Needs(p, "a network namespace (NetworkNamespace)");
            case BpfProgramType.netfilter:
                if (o?.NetfilterHook is not { } nfHook) throw Needs(p, "a netfilter hook (NetfilterHook, with NetfilterFamily and NetfilterPriority)");
                return NetfilterLink.Attach(p, o.NetfilterFamily, nfHook, o.NetfilterPriority, o.NetfilterDefrag, o.NetworkNamespace);
            case BpfProgramType.perf_event:
                return PerfSampleLink.Attach(p, o?.PerfEvent, o?.Cpus, o?.Legacy ?? false);
            default:
                throw new NotSupportedException($"program '{p.Name}' ({p.Type}, section '{p.SectionName}') cannot be attached by this build");
        }
    }

    /// <summary>tcx, or classic tc (clsact + cls_bpf) when asked for or when the kernel has no tcx (EINVAL: before 6.6).</summary>
    private static BpfLink AttachTc(BpfProgram p, string iface, BpfAttachType direction, BpfAttachOptions o)
    {
        if (o.TcMode == BpfTcMode.Classic) return TcClassicLink.Attach(p, iface, direction, o.TcHandle, o.TcPriority);
        if (o.TcxBefore is not null && o.TcxAfter is not null) throw new ArgumentException($"program '{p.Name}': TcxBefore and TcxAfter exclude each other", nameof(o));
        if ((o.TcxBefore ?? o.TcxAfter) is { } relative) return TcxLink.Attach(p, iface, direction, o.TcxBefore is not null, relative);
        try
        {
            return TcxLink.Attach(p, iface, direction);
        }
        catch (BpfSyscallException tcx) when (o.TcMode == BpfTcMode.Auto && tcx.Errno == Native.Errno.EINVAL)
        {
            try { return TcClassicLink.Attach(p, iface, direction, o.TcHandle, o.TcPriority); }
            catch (BpfSyscallException) { throw tcx; }
        }
    }

    private static bool IsUprobe(BpfProgram p) =>
        p.ExpectedAttachType is null && (p.SectionName.StartsWith("uprobe", StringComparison.Ordinal) || p.SectionName.StartsWith("uretprobe", StringComparison.Ordinal))
        && !p.SectionName.Contains(".multi", StringComparison.Ordinal) && !p.SectionName.Contains(".session", StringComparison.Ordinal);

    private static bool IsKprobe(BpfProgram p) =>
        p.ExpectedAttachType is null && (p.SectionName.StartsWith("kprobe", StringComparison.Ordinal) || p.SectionName.StartsWith("kretprobe", StringComparison.Ordinal));

    private static BpfAttachTargetRequiredException Needs(BpfProgram p, string what) => new(p.Name, p.Type, p.SectionName, what);
}
