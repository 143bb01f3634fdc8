using System.Globalization;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Reads bpf_link_info for a link fd and decodes the union member its type selects. Offsets are relative to the union
/// (uapi struct bpf_link_info). Names (tracepoint, probed function or file, iterator target) come back only when the
/// caller supplies a buffer, so links of those types are read twice: once for the type, once with a buffer.
/// </summary>
internal static unsafe class LinkInfoReader
{
    private const int NameBufferSize = 4096; // PATH_MAX: uprobe file names are paths

    public static BpfLinkInfo Read(BpfFd fd, InspectionContext context)
    {
        var info = default(LinkInfo);
        Bpf.LinkGetInfo(fd, ref info);
        var type = (BpfLinkType)info.type;

        string? name = null;
        var perfType = type == BpfLinkType.perf_event ? (BpfPerfEventType)info.U32(0) : BpfPerfEventType.unspec;
        int nameOffset = type switch
        {
            BpfLinkType.raw_tracepoint or BpfLinkType.iter => 0,                    // tp_name / target_name at 0, length at 8
            BpfLinkType.perf_event when perfType is >= BpfPerfEventType.uprobe and <= BpfPerfEventType.tracepoint => 8, // name at 8, length at 16
            _ => -1,
        };
        if (nameOffset >= 0)
        {
            var buffer = new byte[NameBufferSize];
            fixed (byte* p = buffer)
            {
                info = default;
                info.SetU64(nameOffset, (ulong)p);
                info.SetU32(nameOffset + 8, NameBufferSize);
                Bpf.LinkGetInfo(fd, ref info);
            }

            name = NativeText.CString(buffer);
        }

        return Decode(info, type, name, context.Holders.Links(info.id)) with { PinnedPaths = context.Pins.Links(info.id) };
    }

    private static BpfLinkInfo Decode(LinkInfo info, BpfLinkType type, string? name, BpfProcessRef[] pids)
    {
        var c = new BpfLinkInfo { Id = info.id, Type = type, ProgramId = info.prog_id, Pids = pids };
        switch (type)
        {
            case BpfLinkType.raw_tracepoint:
                return c with { Target = $"tp {name}", TracepointName = name, Cookie = info.U64(16) };

            case BpfLinkType.tracing:
            {
                var at = (BpfAttachType)info.U32(0);
                return c with
                {
                    AttachType = at, TargetObjectId = info.U32(4), TargetBtfId = info.U32(8), Cookie = info.U64(16),
                    Target = $"attach_type {at} target_obj_id {info.U32(4)} target_btf_id {info.U32(8)}",
                };
            }

            case BpfLinkType.cgroup:
            {
                var at = (BpfAttachType)info.U32(8);
                return c with { CgroupId = info.U64(0), AttachType = at, Target = $"cgroup {info.U64(0)} attach_type {at}" };
            }

            case BpfLinkType.iter:
            {
                // Only map iterators put a map id at 12; other targets leave it 0.
                uint mapId = info.U32(12);
                return c with
                {
                    IterTarget = name, MapId = mapId == 0 ? null : mapId,
                    Target = mapId == 0 ? $"target {name}" : $"target {name} map_id {mapId}",
                };
            }

            case BpfLinkType.netns:
            {
                var at = (BpfAttachType)info.U32(4);
                return c with { NetnsInode = info.U32(0), AttachType = at, Target = $"netns_ino {info.U32(0)} attach_type {at}" };
            }

            case BpfLinkType.xdp:
                return WithInterface(c, info.U32(0), null);

            case BpfLinkType.tcx or BpfLinkType.netkit:
                return WithInterface(c, info.U32(0), (BpfAttachType)info.U32(4));

            case BpfLinkType.struct_ops:
                return c with { MapId = info.U32(0), Target = $"map_id {info.U32(0)}" };

            case BpfLinkType.sockmap:
            {
                var at = (BpfAttachType)info.U32(4);
                return c with { MapId = info.U32(0), AttachType = at, Target = $"map_id {info.U32(0)} attach_type {at}" };
            }

            case BpfLinkType.netfilter:
            {
                int priority = unchecked((int)info.U32(8));
                string family = info.U32(0) switch { 2 => "ip", 10 => "ip6", var f => f.ToString(CultureInfo.InvariantCulture) };
                return c with
                {
                    NetfilterProtocolFamily = info.U32(0), NetfilterHook = info.U32(4), NetfilterPriority = priority, NetfilterFlags = info.U32(12),
                    Target = $"netfilter {family} hook {info.U32(4)} prio {priority}",
                };
            }

            case BpfLinkType.kprobe_multi:
                return c with
                {
                    Count = info.U32(8), LinkFlags = info.U32(12),
                    Target = $"{((info.U32(12) & 1) != 0 ? "kretprobe.multi" : "kprobe.multi")} func_cnt {info.U32(8)}",
                };

            case BpfLinkType.uprobe_multi:
                return c with
                {
                    Count = info.U32(36), LinkFlags = info.U32(40), ProcessId = info.U32(44),
                    Target = $"{((info.U32(40) & 1) != 0 ? "uretprobe.multi" : "uprobe.multi")} func_cnt {info.U32(36)} pid {info.U32(44)}",
                };

            case BpfLinkType.perf_event:
                return PerfEvent(c, info, name);

            default:
                return c with { Target = string.Empty };
        }
    }

    private static BpfLinkInfo PerfEvent(BpfLinkInfo c, LinkInfo info, string? name)
    {
        var pt = (BpfPerfEventType)info.U32(0);
        c = c with { PerfEventType = pt };
        return pt switch
        {
            // uprobe: file_name 8, name_len 16, offset 20, cookie 24
            BpfPerfEventType.uprobe or BpfPerfEventType.uretprobe => c with
            {
                ProbeTarget = name, ProbeOffset = info.U32(20), Cookie = info.U64(24),
                Target = $"{pt} {name}+0x{info.U32(20):x}",
            },
            // kprobe: func_name 8, name_len 16, offset 20, addr 24, missed 32, cookie 40
            BpfPerfEventType.kprobe or BpfPerfEventType.kretprobe => c with
            {
                ProbeTarget = name, ProbeOffset = info.U32(20), ProbeAddress = info.U64(24), Cookie = info.U64(40),
                Target = info.U32(20) == 0 ? $"{pt} {name}" : $"{pt} {name}+0x{info.U32(20):x}",
            },
            // tracepoint: tp_name 8, name_len 16, cookie 24
            BpfPerfEventType.tracepoint => c with { TracepointName = name, Cookie = info.U64(24), Target = $"tracepoint {name}" },
            // event: config 8, type 16, cookie 24
            BpfPerfEventType.@event => c with { Cookie = info.U64(24), Target = $"event type {info.U32(16)} config {info.U64(8)}" },
            _ => c,
        };
    }

    private static BpfLinkInfo WithInterface(BpfLinkInfo c, uint ifindex, BpfAttachType? attachType)
    {
        string? ifname = ifindex == 0 ? null : LibC.InterfaceName(ifindex);
        string target = ifname is null ? $"ifindex {ifindex}" : $"ifindex {ifindex} ({ifname})";
        if (attachType is { } at) target += $" attach_type {at}";
        return c with { IfIndex = ifindex, InterfaceName = ifname, AttachType = attachType, Target = target };
    }
}
