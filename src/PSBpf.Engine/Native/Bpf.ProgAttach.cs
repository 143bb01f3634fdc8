namespace PSBpf.Engine.Native;

/// <summary>BPF_PROG_ATTACH and BPF_PROG_DETACH: attachments without a link (kernels before links, forced legacy mode).</summary>
internal static unsafe partial class Bpf
{
    public static void ProgAttach(BpfFd target, BpfFd prog, BpfAttachType attachType, uint flags, string what)
    {
        var attr = new ProgAttachAttr { target_fd = (uint)target.Value, attach_bpf_fd = (uint)prog.Value, attach_type = (uint)attachType, attach_flags = flags };
        Call(BpfCommand.ProgAttach, ref attr, $"BPF_PROG_ATTACH for {what}");
    }

    /// <summary>BPF_PROG_DETACH of one program; -errno on failure (detach runs from Dispose, which must not throw).</summary>
    public static int TryProgDetach(BpfFd target, BpfFd prog, BpfAttachType attachType)
    {
        var attr = new ProgAttachAttr { target_fd = (uint)target.Value, attach_bpf_fd = (uint)prog.Value, attach_type = (uint)attachType };
        return TryCall(BpfCommand.ProgDetach, ref attr);
    }

    /// <summary>BPF_LINK_CREATE returning -errno instead of throwing, for callers with a fallback.</summary>
    public static int TryLinkCreate(ref LinkCreateAttr attr) => TryCall(BpfCommand.LinkCreate, ref attr);

    /// <summary>BPF_LINK_CREATE that answers null on EINVAL (a kernel without this link type) and throws on any other error.</summary>
    public static BpfFd? LinkCreateOrNullIfUnsupported(ref LinkCreateAttr attr, string what)
    {
        int r = TryCall(BpfCommand.LinkCreate, ref attr);
        if (r >= 0) return new BpfFd(r);
        if (-r == Errno.EINVAL) return null;
        throw new BpfSyscallException(BpfCommand.LinkCreate, $"BPF_LINK_CREATE for {what}", -r, Explain(BpfCommand.LinkCreate, -r));
    }
}
