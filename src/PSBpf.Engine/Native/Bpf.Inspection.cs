namespace PSBpf.Engine.Native;

/// <summary>bpf(2) commands for kernel-wide inspection: walking ids, opening objects by id, reading their info.</summary>
internal static unsafe partial class Bpf
{
    /// <summary>BPF_PROG_GET_NEXT_ID / BPF_MAP_GET_NEXT_ID / BPF_LINK_GET_NEXT_ID: the next id after <paramref name="startId"/>, or null at the end.</summary>
    public static uint? GetNextId(BpfCommand cmd, uint startId)
    {
        var attr = new GetIdAttr { start_id = startId };
        return CallFound(cmd, ref attr, $"{CommandName(cmd)} after id {startId}") ? attr.next_id : null; // ENOENT: no id above start_id
    }

    /// <summary>
    /// BPF_PROG_GET_FD_BY_ID / BPF_MAP_GET_FD_BY_ID / BPF_LINK_GET_FD_BY_ID; null when the object is gone (ENOENT),
    /// which happens whenever it is released between listing and opening.
    /// </summary>
    public static BpfFd? GetFdById(BpfCommand cmd, uint id)
    {
        var attr = new GetIdAttr { start_id = id };
        int r = TryCall(cmd, ref attr);
        if (r >= 0) return new BpfFd(r);
        if (-r == Errno.ENOENT) return null;
        throw new BpfSyscallException(cmd, $"{CommandName(cmd)} for id {id}", -r, Explain(cmd, -r));
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a program, with its map ids (a second call sized by the first's nr_map_ids).</summary>
    public static ProgInfo ProgGetInfo(BpfFd prog, out uint[] mapIds)
    {
        var info = ProgGetInfo(prog);
        mapIds = [];
        if (info.nr_map_ids == 0) return info;

        // Maps can be bound between the calls; the kernel then reports the larger count but fills only what fits.
        var ids = new uint[info.nr_map_ids];
        fixed (uint* p = ids)
        {
            var second = new ProgInfo { nr_map_ids = (uint)ids.Length, map_ids = (ulong)p };
            var attr = new ObjInfoAttr { bpf_fd = (uint)prog.Value, info_len = (uint)sizeof(ProgInfo), info = (ulong)&second };
            Call(BpfCommand.ObjGetInfoByFd, ref attr, "BPF_OBJ_GET_INFO_BY_FD (program map ids)");
            mapIds = ids.AsSpan(0, (int)Math.Min(second.nr_map_ids, (uint)ids.Length)).ToArray();
        }

        return info;
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a link; <paramref name="info"/> carries in any name buffers the union asks for.</summary>
    public static void LinkGetInfo(BpfFd link, ref LinkInfo info)
    {
        fixed (LinkInfo* p = &info)
        {
            var attr = new ObjInfoAttr { bpf_fd = (uint)link.Value, info_len = (uint)sizeof(LinkInfo), info = (ulong)p };
            Call(BpfCommand.ObjGetInfoByFd, ref attr, "BPF_OBJ_GET_INFO_BY_FD (link)");
        }
    }

    private static string CommandName(BpfCommand cmd) => cmd switch
    {
        BpfCommand.ProgGetNextId => "BPF_PROG_GET_NEXT_ID",
        BpfCommand.MapGetNextId => "BPF_MAP_GET_NEXT_ID",
        BpfCommand.LinkGetNextId => "BPF_LINK_GET_NEXT_ID",
        BpfCommand.ProgGetFdById => "BPF_PROG_GET_FD_BY_ID",
        BpfCommand.MapGetFdById => "BPF_MAP_GET_FD_BY_ID",
        BpfCommand.LinkGetFdById => "BPF_LINK_GET_FD_BY_ID",
        BpfCommand.BtfGetNextId => "BPF_BTF_GET_NEXT_ID",
        BpfCommand.BtfGetFdById => "BPF_BTF_GET_FD_BY_ID",
        _ => cmd.ToString(),
    };
}
