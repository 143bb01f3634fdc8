namespace PSBpf.Engine;

/// <summary>
/// Chooses the attach kind for a program from its type, expected attach type and section name (libbpf's per-section
/// attach functions), and fills in from <see cref="BpfAttachOptions"/> what the section name does not say.
/// </summary>
internal static class BpfAttacher
{
    public static bool CanAutoAttach(BpfProgram p)
    {
        var kind = BpfAttachKinds.Of(p);
        if (kind == BpfAttachKinds.Tracepoint) return p.AttachTarget?.Split('/').Length == 2;
        if (kind == BpfAttachKinds.RawTracepoint) return !string.IsNullOrEmpty(p.AttachTarget);
        if (kind == BpfAttachKinds.Iterator || kind == BpfAttachKinds.Tracing) return true;
        if (kind == BpfAttachKinds.Uprobe) return UprobeTarget.ParseSection(p.AttachTarget) is { Function: not null };
        if (kind == BpfAttachKinds.Kprobe || kind == BpfAttachKinds.Ksyscall || kind == BpfAttachKinds.KprobeMulti) return !string.IsNullOrEmpty(p.AttachTarget);
        if (kind == BpfAttachKinds.UprobeMulti) return UprobeTarget.ParseSection(p.AttachTarget) is { Function: not null };
        if (kind == BpfAttachKinds.Usdt) return UsdtSection(p) is not null;
        return false;
    }

    /// <summary>Maps the options (or, where they say nothing, the section name) onto the kind's public entry point.</summary>
    public static BpfLink Attach(BpfProgram p, BpfAttachOptions? o)
    {
        p.LoadedFd();
        var kind = BpfAttachKinds.Of(p) ?? throw new NotSupportedException(p.Type == BpfProgramType.syscall
            ? $"program '{p.Name}' (syscall) is not attached anywhere: syscall programs run when called, with BPF_PROG_TEST_RUN (BpfProgram.Run, Invoke-BpfProgram)"
            : $"program '{p.Name}' ({p.Type}, section '{p.SectionName}') cannot be attached by this build");
        if (kind == BpfAttachKinds.Tracepoint)
        {
            var tp = o?.Tracepoint ?? p.AttachTarget;
            return tp?.Split('/') is [var category, var name] ? TracepointLink.Attach(p, category, name) : throw Needs(p, kind);
        }

        if (kind == BpfAttachKinds.RawTracepoint)
        {
            var raw = o?.Tracepoint ?? p.AttachTarget;
            return string.IsNullOrEmpty(raw) ? throw Needs(p, kind) : RawTracepointLink.Attach(p, raw);
        }

        if (kind == BpfAttachKinds.Iterator) return IterLink.Attach(p);
        if (kind == BpfAttachKinds.Tracing) return TracingLink.Attach(p);
        if (kind == BpfAttachKinds.Xdp) return o?.Interface is { } xdpIf ? InNamespace(o, () => XdpLink.Attach(p, xdpIf, o.XdpMode)) : throw Needs(p, kind);
        if (kind == BpfAttachKinds.Tc)
        {
            if (o?.Interface is not { } tcIf) throw Needs(p, kind);
            var dir = o.AttachType ?? p.ExpectedAttachType ?? throw Needs(p, kind);
            return InNamespace(o, () => AttachTc(p, tcIf, dir, o));
        }

        if (kind == BpfAttachKinds.Cgroup)
        {
            if (o?.CgroupPath is not { } cg) throw Needs(p, kind);
            var hook = o.AttachType ?? p.ExpectedAttachType ?? throw Needs(p, kind);
            return o.Legacy ? CgroupProgAttachment.Attach(p, cg, hook) : CgroupLink.Attach(p, cg, hook);
        }

        if (kind == BpfAttachKinds.SocketFilter) return o?.Socket is { } socket ? SocketFilterLink.Attach(p, socket) : throw Needs(p, kind);
        if (kind == BpfAttachKinds.Uprobe)
        {
            // an explicit binary replaces the section's target whole; otherwise options may still pick another function
            var sec = UprobeTarget.ParseSection(p.AttachTarget);
            string binary = o?.BinaryPath ?? sec?.Binary ?? throw Needs(p, kind);
            bool fromSection = o?.BinaryPath is null && o?.Symbol is null;
            string? symbol = fromSection ? sec?.Function : o!.Symbol;
            ulong offset = fromSection ? (sec?.Offset ?? 0) + (o?.Offset ?? 0) : o!.Offset;
            bool ret = o?.Retprobe ?? p.SectionName.StartsWith("uretprobe", StringComparison.Ordinal);
            return UprobeLink.Attach(p, binary, symbol, offset, ret, o?.ProcessId);
        }

        if (kind == BpfAttachKinds.Kprobe)
        {
            string? function = o?.Symbol ?? p.AttachTarget;
            if (string.IsNullOrEmpty(function)) throw Needs(p, kind);
            bool kret = o?.Retprobe ?? p.SectionName.StartsWith("kretprobe", StringComparison.Ordinal);
            return KprobeLink.Attach(p, function, o?.Offset ?? 0, kret);
        }

        if (kind == BpfAttachKinds.Ksyscall)
        {
            string? syscall = o?.Symbol ?? p.AttachTarget;
            if (string.IsNullOrEmpty(syscall)) throw Needs(p, kind);
            return KprobeLink.AttachSyscall(p, syscall, o?.Retprobe ?? p.SectionName.StartsWith("kretsyscall", StringComparison.Ordinal));
        }

        if (kind == BpfAttachKinds.KprobeMulti)
        {
            string? pattern = o?.Symbol ?? p.AttachTarget;
            if (string.IsNullOrEmpty(pattern)) throw Needs(p, kind);
            return KprobeMultiLink.Attach(p, pattern, o?.Retprobe ?? p.SectionName.StartsWith("kretprobe.multi", StringComparison.Ordinal));
        }

        if (kind == BpfAttachKinds.UprobeMulti)
        {
            // as for uprobes: an explicit binary replaces the section's target whole
            var sec = UprobeTarget.ParseSection(p.AttachTarget);
            string binary = o?.BinaryPath ?? sec?.Binary ?? throw Needs(p, kind);
            string pattern = (o?.BinaryPath is null ? o?.Symbol ?? sec?.Function : o.Symbol) ?? throw Needs(p, kind);
            return UprobeMultiLink.Attach(p, binary, pattern, o?.Retprobe ?? p.SectionName.StartsWith("uretprobe.multi", StringComparison.Ordinal), o?.ProcessId);
        }

        if (kind == BpfAttachKinds.Usdt)
        {
            // explicit options replace the section's target whole, as for uprobes
            if (o?.BinaryPath is { } bin)
            {
                return UsdtLink.Attach(p, bin, o.UsdtProvider ?? throw Needs(p, kind), o.UsdtProbe ?? throw Needs(p, kind), o.ProcessId, o.UsdtCookie);
            }

            var sec = UsdtSection(p) ?? throw Needs(p, kind);
            return UsdtLink.Attach(p, sec.Binary, sec.Provider, sec.Name, o?.ProcessId, o?.UsdtCookie ?? 0);
        }

        if (kind == BpfAttachKinds.SkLookup) return o?.NetworkNamespace is { } skNetns ? SkLookupLink.Attach(p, skNetns) : throw Needs(p, kind);
        if (kind == BpfAttachKinds.FlowDissector) return o?.NetworkNamespace is { } fdNetns ? FlowDissectorLink.Attach(p, fdNetns) : throw Needs(p, kind);
        if (kind == BpfAttachKinds.Netfilter)
        {
            if (o?.NetfilterHook is not { } nfHook) throw Needs(p, kind);
            return NetfilterLink.Attach(p, o.NetfilterFamily, nfHook, o.NetfilterPriority, o.NetfilterDefrag, o.NetworkNamespace);
        }

        if (kind == BpfAttachKinds.SockMap) return o?.SockMap is { } sockMap ? SockMapLink.Attach(p, sockMap, o.AttachType, o.Legacy) : throw Needs(p, kind);
        if (kind == BpfAttachKinds.Reuseport) return o?.Socket is { } rsocket ? ReuseportLink.Attach(p, rsocket) : throw Needs(p, kind);
        if (kind == BpfAttachKinds.Lwt)
        {
            if (o?.Route is not { } route || o.Interface is not { } lwtIf) throw Needs(p, kind);
            return LwtRouteLink.Attach(p, route, lwtIf, o.Gateway, o.NetworkNamespace);
        }

        return PerfSampleLink.Attach(p, o?.PerfEvent, o?.Cpus, o?.Legacy ?? false); // BpfAttachKinds.PerfEvent, the last row
    }

    /// <summary>
    /// An interface attach in the options' network namespace: the interface is looked up and the link (or the tc netlink
    /// socket, which stays bound to the namespace it was opened in) made on a thread inside it.
    /// </summary>
    private static BpfLink InNamespace(BpfAttachOptions o, Func<BpfLink> attach) =>
        o.NetworkNamespace is { } netns ? NetworkNamespace.RunInside(netns, attach) : attach();

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

    /// <summary>SEC("usdt/PATH:PROVIDER:NAME") split as libbpf's sscanf("%m[^:]:%m[^:]:%m[^:]") does; null when it is not that.</summary>
    private static (string Binary, string Provider, string Name)? UsdtSection(BpfProgram p) =>
        p.AttachTarget?.Split(':') is [{ Length: > 0 } binary, { Length: > 0 } provider, { Length: > 0 } name] ? (binary, provider, name) : null;

    private static BpfAttachTargetRequiredException Needs(BpfProgram p, BpfAttachKind kind) => new(p.Name, p.Type, p.SectionName, kind.TargetHint!);
}
