using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>The bpf(2) commands, one method each. Failures throw <see cref="BpfSyscallException"/> with the errno's name.</summary>
internal static unsafe partial class Bpf
{
    private static int Call<T>(BpfCommand cmd, ref T attr, string operation)
        where T : unmanaged
    {
        int r = TryCall(cmd, ref attr);
        return r >= 0 ? r : throw new BpfSyscallException(cmd, operation, -r, Explain(cmd, -r));
    }

    /// <summary>Like Call, but ENOENT (no such key, nothing left) is an answer, false, rather than an error.</summary>
    private static bool CallFound<T>(BpfCommand cmd, ref T attr, string operation)
        where T : unmanaged
    {
        int r = TryCall(cmd, ref attr);
        if (r >= 0) return true;
        return -r == Errno.ENOENT ? false : throw new BpfSyscallException(cmd, operation, -r, Explain(cmd, -r));
    }

    /// <summary>Like Call but returns -errno instead of throwing (for probes and retry loops).</summary>
    private static int TryCall<T>(BpfCommand cmd, ref T attr)
        where T : unmanaged
    {
        while (true)
        {
            long r;
            fixed (T* p = &attr)
            {
                r = LibC.Syscall(SyscallNumbers.Bpf, (long)cmd, (long)p, sizeof(T));
            }

            if (r >= 0) return (int)r;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR || (errno == Errno.EAGAIN && cmd == BpfCommand.ProgLoad)) continue;
            return -errno;
        }
    }

    /// <summary>Words for an errno of a command, for people (null when there is nothing to add).</summary>
    public static string? Explain(BpfCommand cmd, int errno) => (cmd, errno) switch
    {
        (BpfCommand.ProgLoad, Errno.EPERM) when Capabilities.HasBpf() && Capabilities.Missing(Capabilities.CapPerfmon, Capabilities.CapNetAdmin) is { } missing =>
            $"refused although this thread has CAP_BPF: tracing programs (kprobe, tracepoint, perf_event, raw_tp, tracing) also need CAP_PERFMON and networking ones (xdp, tc, cgroup, sockets) CAP_NET_ADMIN; this thread lacks {missing}",
        (BpfCommand.ProgLoad, Errno.EPERM) when Capabilities.HasBpf() =>
            "refused although this thread has CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN: the kernel does not allow this program type or attach point here (fentry/fexit/fmod_ret/lsm/freplace need BPF trampoline support)",
        (_, Errno.EPERM or Errno.EACCES) when PermissionExplanation(cmd, errno) is { } why => why,
        (BpfCommand.MapCreate, Errno.EINVAL) => "the kernel rejected the map definition (type, sizes, flags or max_entries)",
        (BpfCommand.MapCreate, Errno.E2BIG) => "key, value or max_entries is larger than the kernel allows for this map type",
        (BpfCommand.MapCreate, Errno.ENOMEM) => "not enough locked memory for the map",
        (BpfCommand.MapUpdateElem, Errno.E2BIG) => "the map is full",
        (BpfCommand.MapDeleteElem, Errno.EINVAL) => "this map type cannot delete entries (arrays keep every slot; set it to zero instead)",
        (BpfCommand.MapUpdateElem, Errno.EEXIST) => "the key already exists (NoExist flag)",
        (BpfCommand.MapUpdateElem or BpfCommand.MapLookupElem or BpfCommand.MapDeleteElem, Errno.ENOENT) => "no such key",
        (BpfCommand.ProgLoad, Errno.E2BIG) => "the program has too many instructions",
        (BpfCommand.ProgLoad, Errno.ENOSPC) => "the verifier log buffer is too small",
        (BpfCommand.BtfLoad, Errno.EINVAL) => "the kernel rejected the BTF",
        (BpfCommand.ObjGet or BpfCommand.ObjPin, Errno.ENOENT) => "no such pinned object",
        (BpfCommand.ObjPin, Errno.EEXIST) => "the pin path already exists",
        (BpfCommand.ProgTestRun, Errno.ENOTSUPP or Errno.EOPNOTSUPP) => "the kernel cannot test-run programs of this type",
        (BpfCommand.ProgTestRun, Errno.EINVAL) => "the kernel refused the input for this program type (its size, a context field it does not take, or a repeat count for a type that runs once)",
        (BpfCommand.ProgTestRun, Errno.E2BIG) => "the context is larger than this program type's, or sets fields the kernel does not take",
        (BpfCommand.EnableStats, Errno.EINVAL) => "the kernel has no run-time statistics (BPF_ENABLE_STATS needs Linux 5.8)",
        _ => null,
    };

    /// <summary>
    /// What the kernel asks for the command (kernel/bpf/syscall.c), naming the capabilities this thread lacks. Null for
    /// EACCES where EACCES is no privilege matter (the verifier's refusal of a program).
    /// </summary>
    private static string? PermissionExplanation(BpfCommand cmd, int errno)
    {
        const int bpf = Capabilities.CapBpf, perfmon = Capabilities.CapPerfmon, net = Capabilities.CapNetAdmin, sys = Capabilities.CapSysAdmin;
        static string Lacks(string? missing) => missing is null ? "this thread holds them, so the kernel's own policy refused it (kernel.unprivileged_bpf_disabled, an LSM or a user namespace)" : $"this thread lacks {missing}";
        switch (cmd)
        {
            case BpfCommand.ProgLoad when errno == Errno.EACCES:
                return null;
            case BpfCommand.ProgGetNextId or BpfCommand.MapGetNextId or BpfCommand.LinkGetNextId or BpfCommand.BtfGetNextId
                or BpfCommand.ProgGetFdById or BpfCommand.MapGetFdById or BpfCommand.LinkGetFdById or BpfCommand.BtfGetFdById
                or BpfCommand.EnableStats when errno == Errno.EPERM:
                return $"listing or opening BPF objects by id needs CAP_SYS_ADMIN; {Lacks(Capabilities.Missing(sys))}";
            case BpfCommand.ProgQuery when errno == Errno.EPERM:
                return $"querying what is attached needs CAP_NET_ADMIN; {Lacks(Capabilities.Missing(net))}";
            case BpfCommand.ObjGet or BpfCommand.ObjPin:
                return "the pin's file permissions do not allow this user (a bpffs mount is root's alone unless its mode says otherwise)";
            case BpfCommand.MapCreate or BpfCommand.BtfLoad:
                return $"needs CAP_BPF (CAP_NET_ADMIN too for sockmap, devmap, cpumap and xskmap maps); {Lacks(Capabilities.Missing(bpf))}";
            case BpfCommand.ProgLoad:
                return $"needs CAP_BPF, with CAP_PERFMON for tracing programs (kprobe, tracepoint, perf_event, raw_tp, tracing) and CAP_NET_ADMIN for networking ones (xdp, tc, cgroup, sockets); {Lacks(Capabilities.Missing(bpf, perfmon, net))}";
            case BpfCommand.LinkCreate or BpfCommand.ProgAttach or BpfCommand.ProgDetach or BpfCommand.RawTracepointOpen:
                return $"attaching needs CAP_PERFMON for tracing programs and CAP_NET_ADMIN for networking and cgroup ones; {Lacks(Capabilities.Missing(perfmon, net))}";
            default:
                return errno == Errno.EPERM ? $"needs CAP_BPF or CAP_SYS_ADMIN; {Lacks(Capabilities.Missing(bpf))}" : null;
        }
    }

    public static BpfFd MapCreate(ref MapCreateAttr attr, string mapName) =>
        new(Call(BpfCommand.MapCreate, ref attr, $"BPF_MAP_CREATE for map '{mapName}'"));

    public static int TryMapCreate(ref MapCreateAttr attr) => TryCall(BpfCommand.MapCreate, ref attr);

    public static int TryProgLoad(ref ProgLoadAttr attr) => TryCall(BpfCommand.ProgLoad, ref attr);

    public static int TryBtfLoad(ref BtfLoadAttr attr) => TryCall(BpfCommand.BtfLoad, ref attr);

    public static void MapUpdateElem(BpfFd map, void* key, void* value, ulong flags, string what)
    {
        var attr = new MapElemAttr { map_fd = (uint)map.Value, key = (ulong)key, value = (ulong)value, flags = flags };
        Call(BpfCommand.MapUpdateElem, ref attr, $"BPF_MAP_UPDATE_ELEM on {what}");
    }

    /// <summary>BPF_MAP_LOOKUP_ELEM; false when the key does not exist.</summary>
    public static bool MapLookupElem(BpfFd map, void* key, void* value, string what) => MapLookupElem(map, key, value, 0, what);

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM (key null for queues and stacks: pop); false when there is nothing.</summary>
    public static bool MapLookupAndDeleteElem(BpfFd map, void* key, void* value, string what)
    {
        var attr = new MapElemAttr { map_fd = (uint)map.Value, key = (ulong)key, value = (ulong)value };
        return CallFound(BpfCommand.MapLookupAndDeleteElem, ref attr, $"BPF_MAP_LOOKUP_AND_DELETE_ELEM on {what}");
    }

    /// <summary>BPF_MAP_DELETE_ELEM; false when the key does not exist.</summary>
    public static bool MapDeleteElem(BpfFd map, void* key, string what)
    {
        var attr = new MapElemAttr { map_fd = (uint)map.Value, key = (ulong)key };
        return CallFound(BpfCommand.MapDeleteElem, ref attr, $"BPF_MAP_DELETE_ELEM on {what}");
    }

    /// <summary>BPF_MAP_DELETE_ELEM without raising: 0, or the errno.</summary>
    public static int TryMapDeleteElem(BpfFd map, void* key)
    {
        var attr = new MapElemAttr { map_fd = (uint)map.Value, key = (ulong)key };
        int r = TryCall(BpfCommand.MapDeleteElem, ref attr);
        return r < 0 ? -r : 0;
    }

    /// <summary>BPF_MAP_GET_NEXT_KEY (key null: the first key); false at the end.</summary>
    public static bool MapGetNextKey(BpfFd map, void* key, void* nextKey, string what)
    {
        var attr = new MapElemAttr { map_fd = (uint)map.Value, key = (ulong)key, value = (ulong)nextKey };
        return CallFound(BpfCommand.MapGetNextKey, ref attr, $"BPF_MAP_GET_NEXT_KEY on {what}");
    }

    public static void MapFreeze(BpfFd map, string what)
    {
        var attr = new MapElemAttr { map_fd = (uint)map.Value };
        Call(BpfCommand.MapFreeze, ref attr, $"BPF_MAP_FREEZE on {what}");
    }

    public static void ProgBindMap(BpfFd prog, BpfFd map, string what)
    {
        var attr = new ProgBindMapAttr { prog_fd = (uint)prog.Value, map_fd = (uint)map.Value };
        Call(BpfCommand.ProgBindMap, ref attr, $"BPF_PROG_BIND_MAP for {what}");
    }

    public static BpfFd LinkCreate(ref LinkCreateAttr attr, string what) =>
        new(Call(BpfCommand.LinkCreate, ref attr, $"BPF_LINK_CREATE for {what}"));

    public static void ObjPin(BpfFd fd, string path)
    {
        var bytes = NativeText.CPath(path);
        fixed (byte* p = bytes)
        {
            var attr = new ObjPinAttr { pathname = (ulong)p, bpf_fd = (uint)fd.Value };
            Call(BpfCommand.ObjPin, ref attr, $"BPF_OBJ_PIN at {path}");
        }
    }

    public static BpfFd ObjGet(string path)
    {
        var bytes = NativeText.CPath(path);
        fixed (byte* p = bytes)
        {
            var attr = new ObjPinAttr { pathname = (ulong)p };
            return new BpfFd(Call(BpfCommand.ObjGet, ref attr, $"BPF_OBJ_GET of {path}"));
        }
    }

    public static ProgInfo ProgGetInfo(BpfFd prog)
    {
        var info = default(ProgInfo);
        var attr = new ObjInfoAttr { bpf_fd = (uint)prog.Value, info_len = (uint)sizeof(ProgInfo), info = (ulong)&info };
        Call(BpfCommand.ObjGetInfoByFd, ref attr, "BPF_OBJ_GET_INFO_BY_FD (program)");
        return info;
    }

    public static MapInfo MapGetInfo(BpfFd map)
    {
        var info = default(MapInfo);
        var attr = new ObjInfoAttr { bpf_fd = (uint)map.Value, info_len = (uint)sizeof(MapInfo), info = (ulong)&info };
        Call(BpfCommand.ObjGetInfoByFd, ref attr, "BPF_OBJ_GET_INFO_BY_FD (map)");
        return info;
    }
}
