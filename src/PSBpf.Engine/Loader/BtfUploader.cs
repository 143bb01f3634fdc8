using PSBpf.Engine.Btf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// BPF_BTF_LOAD of the object's BTF (libbpf's bpf_object__load_btf): encoded with the kernel's gaps sanitised, first
/// without a log, then with one to say why the kernel refused it. Without BTF the load goes on (maps and programs
/// lose their type information), unless a program to load cannot work without it.
/// </summary>
internal static unsafe class BtfUploader
{
    private const int LogSize = 1 << 20;

    public static void Upload(LoadPlan plan, BtfFeatures features)
    {
        if (plan.Object.Btf is not { } btf) return;
        var blob = BtfSanitizer.Sanitize(KsymsBtfFixup.Apply(new BtfEncoder(btf).Encode(HiddenFunctionsStatic(plan.Object, btf))), features);
        int fd;
        fixed (byte* b = blob)
        {
            var attr = new BtfLoadAttr { btf = (ulong)b, btf_size = (uint)blob.Length };
            fd = Bpf.TryBtfLoad(ref attr);
            if (fd < 0)
            {
                var log = new byte[LogSize];
                fixed (byte* l = log)
                {
                    attr = new BtfLoadAttr { btf = (ulong)b, btf_size = (uint)blob.Length, btf_log_buf = (ulong)l, btf_log_size = (uint)log.Length, btf_log_level = 1 };
                    fd = Bpf.TryBtfLoad(ref attr);
                }

                if (fd < 0)
                {
                    string text = LastLines(NativeText.CString(log));
                    if (NeedsBtf(plan)) throw new BpfSyscallException(BpfCommand.BtfLoad, "BPF_BTF_LOAD of the object's BTF", -fd, text);
                    plan.Log?.Invoke($"BTF rejected by the kernel ({Errno.Name(-fd)}); continuing without BTF: {text}");
                    return;
                }
            }
        }

        plan.Btf = new BpfFd(fd);
        plan.Log?.Invoke($"BTF loaded ({blob.Length} bytes)");
    }

    /// <summary>
    /// Hidden global subprograms go to the kernel with static linkage, so the verifier checks them with their callers'
    /// context (libbpf does the same); the object's own BTF keeps what the file says.
    /// </summary>
    private static Func<BtfType, BtfType?> HiddenFunctionsStatic(BpfObject obj, BtfSpec btf)
    {
        var ids = new HashSet<int>(); // int: the instantiation the framework has precompiled
        foreach (var p in obj.Subprograms.Where(p => p.MarkBtfStatic))
        {
            foreach (var id in btf.FindAllByName(p.Name))
            {
                if (btf[id] is BtfFunc { Linkage: BtfLinkage.Global })
                {
                    ids.Add((int)id);
                    break;
                }
            }
        }

        return t => t is BtfFunc f && ids.Contains((int)f.Id) ? new BtfFunc(f.Owner, f.Id, f.Name, f.TypeId, BtfLinkage.Static) : null;
    }

    /// <summary>Programs that the kernel only accepts with BTF (struct_ops, tracing with BTF attach) make BTF mandatory.</summary>
    private static bool NeedsBtf(LoadPlan plan) => plan.ToLoad.Any(p => p.Type == BpfProgramType.struct_ops
        || (p.SectionDefinition?.Flags & BpfSectionFlags.AttachBtf) != 0);

    private static string LastLines(string log) => string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
}
