namespace PSBpf.Engine.Native;

/// <summary>BPF_OBJ_GET_INFO_BY_FD for a program's translated instructions (what bpftool prog dump xlated reads).</summary>
internal static unsafe partial class Bpf
{
    /// <summary>
    /// The program's xlated instructions (bpf_prog_info.xlated_prog_insns), the ids of its maps and the addresses of its
    /// JIT-compiled functions (jited_ksyms, empty when not JIT-compiled or not visible). Null when the kernel reports no
    /// instructions: it hides them from callers without CAP_SYS_ADMIN and when kernel.kptr_restrict forbids raw dumps.
    /// </summary>
    public static byte[]? ProgGetXlated(BpfFd prog, out uint[] mapIds, out ulong[] jitedKsyms)
    {
        var first = ProgGetInfo(prog, out mapIds);
        jitedKsyms = [];
        if (first.xlated_prog_len == 0) return null;

        // The sizes cannot change after load, so one sized call gets both arrays.
        var insns = new byte[first.xlated_prog_len];
        var ksyms = new ulong[first.nr_jited_ksyms];
        fixed (byte* pi = insns)
        fixed (ulong* pk = ksyms)
        {
            var info = new ProgInfo
            {
                xlated_prog_len = (uint)insns.Length,
                xlated_prog_insns = (ulong)pi,
                nr_jited_ksyms = (uint)ksyms.Length,
                jited_ksyms = ksyms.Length == 0 ? 0 : (ulong)pk,
            };
            var attr = new ObjInfoAttr { bpf_fd = (uint)prog.Value, info_len = (uint)sizeof(ProgInfo), info = (ulong)&info };
            Call(BpfCommand.ObjGetInfoByFd, ref attr, "BPF_OBJ_GET_INFO_BY_FD (program xlated instructions)");
            if (info.xlated_prog_insns == 0) return null;
            jitedKsyms = ksyms.AsSpan(0, (int)Math.Min(info.nr_jited_ksyms, (uint)ksyms.Length)).ToArray();
            return insns.AsSpan(0, (int)Math.Min(info.xlated_prog_len, (uint)insns.Length)).ToArray();
        }
    }
}
