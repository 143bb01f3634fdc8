namespace PSBpf.Engine.Native;

/// <summary>bpf(2) commands that attach programs outside BPF_LINK_CREATE, and the iterator command.</summary>
internal static unsafe partial class Bpf
{
    /// <summary>
    /// BPF_RAW_TRACEPOINT_OPEN: a raw tracepoint link by tracepoint name, or (name null) a tracing program's link to the
    /// attach point it was loaded for (tp_btf; fentry/fexit/lsm where trampolines exist).
    /// </summary>
    public static BpfFd RawTracepointOpen(BpfFd prog, string? name, string what)
    {
        var bytes = name is null ? null : System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes)
        {
            var attr = new RawTracepointOpenAttr { name = (ulong)p, prog_fd = (uint)prog.Value };
            return new BpfFd(Call(BpfCommand.RawTracepointOpen, ref attr, $"BPF_RAW_TRACEPOINT_OPEN for {what}"));
        }
    }

    /// <summary>BPF_ITER_CREATE: a new seq_file-backed fd whose read(2) runs the iterator program once through.</summary>
    public static BpfFd IterCreate(BpfFd link, string what)
    {
        var attr = new IterCreateAttr { link_fd = (uint)link.Value };
        return new BpfFd(Call(BpfCommand.IterCreate, ref attr, $"BPF_ITER_CREATE for {what}"));
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a link: just its kernel id.</summary>
    public static uint LinkId(BpfFd link)
    {
        var info = default(LinkInfo);
        LinkGetInfo(link, ref info);
        return info.id;
    }
}
