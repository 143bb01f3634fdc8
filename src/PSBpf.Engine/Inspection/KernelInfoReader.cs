using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Turns bpf_prog_info / bpf_map_info (plus fdinfo) for an open fd into the plain records.</summary>
internal static unsafe class KernelInfoReader
{
    public static BpfProgramInfo Program(BpfFd fd, InspectionContext context)
    {
        var info = Bpf.ProgGetInfo(fd, out var mapIds);
        var fdinfo = ProcFdInfo.Self(fd);
        return new BpfProgramInfo
        {
            Id = info.id,
            Type = (BpfProgramType)info.type,
            Name = NativeText.CString(info.name, 16),
            Tag = NativeText.Tag(info.tag),
            GplCompatible = info.gpl_compatible != 0,
            LoadedAt = BootClock.ToDateTime(info.load_time),
            Uid = info.created_by_uid,
            XlatedSize = info.xlated_prog_len,
            Jited = info.jited_prog_len != 0,
            JitedSize = info.jited_prog_len,
            MemLock = ProcFdInfo.ULong(fdinfo, "memlock"),
            MapIds = mapIds,
            BtfId = info.btf_id,
            RunTimeNs = info.run_time_ns,
            RunCount = info.run_cnt,
            RecursionMisses = info.recursion_misses,
            VerifiedInstructions = info.verified_insns,
            IfIndex = info.ifindex,
            AttachBtfId = info.attach_btf_id,
            AttachBtfObjectId = info.attach_btf_obj_id,
            Pids = context.Holders.Programs(info.id),
            PinnedPaths = context.Pins.Programs(info.id),
        };
    }

    public static BpfMapInfo Map(BpfFd fd, InspectionContext context)
    {
        var info = Bpf.MapGetInfo(fd);
        var fdinfo = ProcFdInfo.Self(fd);
        return new BpfMapInfo
        {
            Id = info.id,
            Type = (BpfMapType)info.type,
            Name = NativeText.CString(info.name, 16),
            KeySize = info.key_size,
            ValueSize = info.value_size,
            MaxEntries = info.max_entries,
            Flags = info.map_flags,
            MapExtra = info.map_extra,
            BtfId = info.btf_id,
            BtfKeyTypeId = info.btf_key_type_id,
            BtfValueTypeId = info.btf_value_type_id,
            IfIndex = info.ifindex,
            MemLock = ProcFdInfo.ULong(fdinfo, "memlock"),
            Frozen = ProcFdInfo.ULong(fdinfo, "frozen") is > 0,
            Pids = context.Holders.Maps(info.id),
            PinnedPaths = context.Pins.Maps(info.id),
        };
    }
}
