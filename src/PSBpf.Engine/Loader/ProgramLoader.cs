using System.Text;
using PSBpf.Engine.Asm;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// BPF_PROG_LOAD of one linked program (libbpf's bpf_object_load_prog): map and extern references filled in, the
/// attach target resolved, func/line info when the kernel has BTF for it, and the verifier log grown until it fits.
/// </summary>
internal static unsafe class ProgramLoader
{
    private const uint InitialLogSize = 1u << 20;

    /// <summary>Loads the program; the kernel object is the plan's (see <see cref="LoadPlan.Programs"/>) until it commits.</summary>
    /// <exception cref="BpfVerifierException">The verifier refused it; the log has CO-RE decisions spelled out.</exception>
    public static LoadedProgram Load(LoadPlan plan, LinkedProgram linked, uint logLevel)
    {
        var prog = linked.Main;
        if (prog.Type == BpfProgramType.unspec)
        {
            throw new BpfLoadException($"program '{prog.Name}'", $"unknown program type: section '{prog.SectionName}' is not a recognised SEC() name; set Type before Load()");
        }

        var insns = linked.Instructions.ToArray();
        DataRelocator.Apply(plan, linked, insns);
        using var attachTarget = AttachTargets.Resolve(prog, plan.Options);
        uint attachBtfId = attachTarget.BtfId;
        uint expectedAttach = (uint)(prog.ExpectedAttachType ?? 0);
        uint attachBtfObjFd = attachTarget.ProgramFd is { } targetProgram ? (uint)targetProgram.Value : 0; // attach_prog_fd, the same union
        if (prog.Type == BpfProgramType.struct_ops)
        {
            var target = plan.StructOpsTargets.GetValueOrDefault(prog)
                ?? throw new BpfLoadException($"program '{prog.Name}'", "this SEC(\"struct_ops\") program is not referenced by any struct_ops map member (did you forget to use it?)");
            attachBtfId = target.KernelTypeId;
            expectedAttach = target.MemberIndex; // the kernel takes the member index here
            attachBtfObjFd = target.Module is { } module ? (uint)module.Fd.Value : 0;
        }

        var code = new byte[insns.Length * BpfInstruction.Size];
        for (int i = 0; i < insns.Length; i++) insns[i].Encode(code.AsSpan(i * BpfInstruction.Size));
        var license = Encoding.UTF8.GetBytes(plan.Object.License + "\0");
        var funcInfo = BtfExtRecords.FuncInfo(linked.FuncInfos);
        var lineInfo = BtfExtRecords.LineInfo(linked.LineInfos);
        // func/line info need kernel FUNC support; without it the FUNCs were sanitised away (libbpf: FEAT_BTF_FUNC)
        bool withBtf = plan.Btf is not null && linked.FuncInfos.Count > 0 && BpfObjectLoader.Features(plan.Options).Func;
        var fdArray = plan.FdArray;

        int fd;
        string? log;
        fixed (byte* c = code, lic = license, fi = funcInfo, li = lineInfo)
        fixed (int* fds = fdArray)
        {
            var attr = new ProgLoadAttr
            {
                prog_type = (uint)prog.Type,
                insn_cnt = (uint)insns.Length,
                insns = (ulong)c,
                license = (ulong)lic,
                kern_version = plan.Object.KernelVersion != 0 ? plan.Object.KernelVersion : KernelInfo.Version,
                prog_flags = prog.Flags,
                expected_attach_type = expectedAttach,
                attach_btf_id = attachBtfId,
                attach_btf_obj_fd = attachBtfObjFd,
                fd_array = fdArray.Length > 0 ? (ulong)fds : 0,
            };
            NativeText.WriteObjectName(attr.prog_name, prog.Name);
            if (withBtf)
            {
                attr.prog_btf_fd = (uint)plan.Btf!.Value;
                attr.func_info_rec_size = BtfExtRecords.FuncInfoSize;
                attr.func_info = (ulong)fi;
                attr.func_info_cnt = (uint)linked.FuncInfos.Count;
                attr.line_info_rec_size = BtfExtRecords.LineInfoSize;
                attr.line_info = (ulong)li;
                attr.line_info_cnt = (uint)linked.LineInfos.Count;
            }

            try
            {
                (fd, log) = LoadWithLog(ref attr, prog.Name, logLevel);
            }
            catch (BpfVerifierException e)
            {
                throw new BpfVerifierException(prog.Name, e.Errno, VerifierLogFixup.Apply(e.VerifierLog, linked, plan.CoreResults, plan.Object));
            }
        }

        var handle = new BpfFd(fd);
        var info = Bpf.ProgGetInfo(handle);
        var loaded = new LoadedProgram(handle, info.id, NativeText.Tag(info.tag), info.verified_insns, logLevel > 0 ? log : null);
        plan.Log?.Invoke($"program '{prog.Name}' loaded: {prog.Type}, id {loaded.Id}, tag {loaded.Tag}, {insns.Length} insns");
        BindReadOnlyData(plan, prog.Name, handle);
        return loaded;
    }

    /// <summary>Keeps .rodata alive with the program even when the object is closed (libbpf binds every .rodata map).</summary>
    private static void BindReadOnlyData(LoadPlan plan, string name, BpfFd prog)
    {
        foreach (var m in plan.Maps.Where(m => m.Spec.Origin == BpfMapOrigin.Data && m.Spec.SectionName.StartsWith(".rodata", StringComparison.Ordinal) && m.Fd is not null))
        {
            try { Bpf.ProgBindMap(prog, m.Fd!, $"program '{name}' and map '{m.Name}'"); }
            catch (BpfSyscallException e) { plan.Log?.Invoke($"could not bind {m.Name} to {name}: {e.Message}"); }
        }
    }

    /// <summary>First attempt without a log (as libbpf); on failure retry with one, growing it until the whole log fits.</summary>
    private static (int Fd, string? Log) LoadWithLog(ref ProgLoadAttr attr, string name, uint logLevel)
    {
        uint size = logLevel > 0 ? InitialLogSize : 0;
        uint level = logLevel;
        while (true)
        {
            byte[]? buf = size > 0 ? new byte[size] : null;
            fixed (byte* b = buf)
            {
                attr.log_level = level;
                attr.log_size = size;
                attr.log_buf = (ulong)b;
                attr.log_true_size = 0;
                int fd = Bpf.TryProgLoad(ref attr);
                if (fd >= 0) return (fd, buf is null ? null : NativeText.CString(buf));
                int errno = -fd;
                if (level == 0)
                {
                    level = 1;
                    size = InitialLogSize;
                    continue;
                }

                if (errno == Errno.ENOSPC && size < uint.MaxValue / 4)
                {
                    size = attr.log_true_size > size ? attr.log_true_size : size * 4; // the kernel reports the size it needed
                    continue;
                }

                string log = buf is null ? string.Empty : NativeText.CString(buf);
                if (errno == Errno.EPERM && log.Length == 0) throw new BpfSyscallException(BpfCommand.ProgLoad, $"BPF_PROG_LOAD for program '{name}'", errno, Bpf.Explain(BpfCommand.ProgLoad, errno));
                throw new BpfVerifierException(name, errno, log);
            }
        }
    }
}
