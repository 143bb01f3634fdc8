using System.Runtime.InteropServices;
using System.Text;
using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The load phase in libbpf's order: externs, relocation, BTF upload, maps, programs, initial slots.
/// Every kernel object goes into a SafeHandle owned by the model; any failure releases all of them and the pins made.
/// </summary>
internal sealed unsafe partial class BpfObjectLoader
{
    private const uint BpfAny = 0;
    private readonly BpfObject _obj;
    private readonly BpfLoadOptions _options;
    private IReadOnlyList<CoreRelocationResult> _coreResults = [];

    public BpfObjectLoader(BpfObject obj, BpfLoadOptions options)
    {
        _obj = obj;
        _options = options;
    }

    public void Load()
    {
        using var modules = OpenModules();
        try
        {
            var externs = ResolveExterns(modules);
            StructOpsBinder.Prepare(_obj, KernelBtf.Get(_options.KernelBtfPath), modules, Log);
            var code = RelocateCore(modules);
            var linked = _obj.Programs.Where(p => p.AutoLoad).Select(p => new ProgramLinker(_obj, code).Link(p)).ToList();
            LoadBtf();
            PreparePins();
            for (int i = 0; i < _obj.Maps.Count; i++)
            {
                _options.Progress?.Invoke(new BpfLoadProgress("maps", _obj.Maps[i].Name, i, _obj.Maps.Count));
                CreateMap(_obj.Maps[i]);
            }

            for (int i = 0; i < linked.Count; i++)
            {
                _options.Progress?.Invoke(new BpfLoadProgress("programs", linked[i].Main.Name, i, linked.Count));
                LoadProgram(linked[i], externs);
            }

            StructOpsBinder.WriteProgramFds(_obj);
            InitSlots();
            _obj.IsLoaded = true;
        }
        catch
        {
            _obj.ReleaseKernelObjects();
            _obj.RemoveCreatedPins();
            throw;
        }
    }

    private void Log(string message) => _options.Log?.Invoke(message);

    /// <summary>Module BTF belongs to the running kernel; a custom kernel BTF file stands alone (libbpf: btf_custom_path).</summary>
    private KernelModuleBtfs? OpenModules() =>
        _options.KernelBtfPath == BpfLoadOptions.RunningKernelBtf ? new KernelModuleBtfs(KernelBtf.Get(_options.KernelBtfPath)) : null;

    /// <summary>Gives every extern its value and sets the fd_array that module kfuncs need.</summary>
    private ExternValues ResolveExterns(KernelModuleBtfs? modules)
    {
        var externs = new ExternResolver(_obj, _options, modules).Resolve();
        _fdArray = FdArray(externs);
        return externs;
    }

    /// <summary>Applies CO-RE to the programs to load, keeping the decisions for verifier-log explanations.</summary>
    private IReadOnlyDictionary<BpfProgram, BpfInstruction[]> RelocateCore(KernelModuleBtfs? modules)
    {
        var core = new RelocationPass(_obj, _options, modules);
        var code = core.Apply();
        _coreResults = core.Results;
        return code;
    }

    private int[] _fdArray = [];

    /// <summary>
    /// BPF_PROG_LOAD's fd_array for kfuncs from modules: a kfunc call's offset is the index of its module's BTF fd
    /// there, index 0 meaning vmlinux (libbpf's add_kfunc_btf_fd).
    /// </summary>
    private static int[] FdArray(ExternValues externs)
    {
        var fds = new List<int> { 0 };
        foreach (var m in externs.Modules.Values.Distinct())
        {
            if (!fds.Contains(m.Fd.Value)) fds.Add(m.Fd.Value);
        }

        return fds.Count > 1 ? [.. fds] : [];
    }

    private BtfFeatures Features => _options.BtfFeatures ?? KernelFeatures.Btf;

    private void LoadBtf()
    {
        if (_obj.Btf is not { } btf) return;

        // Hidden global subprograms get static linkage so the verifier checks them with their callers' context.
        foreach (var p in _obj.Subprograms.Where(p => p.MarkBtfStatic))
        {
            foreach (var id in btf.FindAllByName(p.Name))
            {
                if (btf[id] is BtfFunc { Linkage: BtfLinkage.Global } f)
                {
                    f.Linkage = BtfLinkage.Static;
                    break;
                }
            }
        }

        var blob = BtfSanitizer.Sanitize(KsymsBtfFixup.Apply(new BtfEncoder(btf).Encode()), Features);
        int fd;
        fixed (byte* b = blob)
        {
            var attr = new BtfLoadAttr { btf = (ulong)b, btf_size = (uint)blob.Length };
            fd = Bpf.TryBtfLoad(ref attr);
            if (fd < 0)
            {
                var log = new byte[1 << 20];
                fixed (byte* l = log)
                {
                    attr = new BtfLoadAttr { btf = (ulong)b, btf_size = (uint)blob.Length, btf_log_buf = (ulong)l, btf_log_size = (uint)log.Length, btf_log_level = 1 };
                    int again = Bpf.TryBtfLoad(ref attr);
                    if (again >= 0)
                    {
                        fd = again;
                    }
                    else
                    {
                        string text = NativeText.CString(log);
                        if (NeedsBtf()) throw new BpfSyscallException(BpfCommand.BtfLoad, "BPF_BTF_LOAD of the object's BTF", -again, LastLines(text));
                        Log($"BTF rejected by the kernel ({Errno.Name(-again)}); continuing without BTF: {LastLines(text)}");
                        return;
                    }
                }
            }
        }

        _obj.BtfFd = new BpfFd(fd);
        Log($"BTF loaded ({blob.Length} bytes)");
    }

    /// <summary>Programs that the kernel only accepts with BTF (struct_ops, tracing with BTF attach) make BTF mandatory.</summary>
    private bool NeedsBtf() => _obj.Programs.Any(p => p.AutoLoad && (p.Type == BpfProgramType.struct_ops
        || (p.SectionDefinition?.Flags & BpfSectionFlags.AttachBtf) != 0));

    /// <summary>Pin-by-name maps go under the pin root, which must be a directory on bpffs.</summary>
    private void PreparePins()
    {
        foreach (var map in _obj.Maps.Where(m => m.Pinning == BpfPinning.ByName))
        {
            if (map.PinPath == $"{MapReader.DefaultPinRoot}/{map.Name}") map.PinPath = Path.Join(_options.PinRoot, map.Name);
        }

        foreach (var dir in _obj.Maps.Where(m => m.PinPath is not null).Select(m => Path.GetDirectoryName(m.PinPath!)!).Distinct())
        {
            if (!Directory.Exists(dir)) throw new BpfLoadException($"pin directory {dir}", "does not exist (create it on a bpffs mount, e.g. under /sys/fs/bpf)");
            if (!BpfFs.Contains(dir)) throw new BpfLoadException($"pin directory {dir}", "is not on a bpffs mount (mount -t bpf bpf /sys/fs/bpf); maps can only be pinned there");
        }
    }

    private void CreateMap(BpfMap map)
    {
        if (map.Type == BpfMapType.perf_event_array && map.MaxEntries == 0)
        {
            map.MaxEntries = (uint)KernelInfo.PossibleCpus; // libbpf's map_set_def_max_entries: one slot per possible CPU
        }

        if (!map.AutoCreate)
        {
            Log($"map '{map.Name}' not created (AutoCreate off)");
            return;
        }

        if (map.PinPath is { } pin && TryReusePin(map, pin)) return;

        map.Fd = CreateMapFd(map);
        var info = Bpf.MapGetInfo(map.Fd);
        map.Id = info.id;
        Log($"map '{map.Name}' created: {map.Type}, id {info.id}");

        if (map.IsInternal) PopulateDataMap(map);

        if (map.PinPath is { } path)
        {
            Bpf.ObjPin(map.Fd, path);
            _obj.CreatedPins.Add(path);
            Log($"map '{map.Name}' pinned at {path}");
        }
    }

    private BpfFd CreateMapFd(BpfMap map)
    {
        var attr = new MapCreateAttr
        {
            map_type = (uint)map.Type,
            key_size = map.KeySize,
            value_size = map.ValueSize,
            max_entries = map.MaxEntries,
            map_flags = map.Flags,
            numa_node = map.NumaNode,
            map_extra = map.MapExtra,
        };
        WriteName(attr.map_name, map.Name);
        bool btfAllowed = map.Type is not (BpfMapType.perf_event_array or BpfMapType.cgroup_array or BpfMapType.stack_trace
            or BpfMapType.array_of_maps or BpfMapType.hash_of_maps or BpfMapType.devmap or BpfMapType.devmap_hash or BpfMapType.cpumap
            or BpfMapType.xskmap or BpfMapType.sockmap or BpfMapType.sockhash or BpfMapType.queue or BpfMapType.stack or BpfMapType.arena);
        if (_obj.BtfFd is { } btf && btfAllowed && (map.KeyTypeId != 0 || map.ValueTypeId != 0))
        {
            attr.btf_fd = (uint)btf.Value;
            attr.btf_key_type_id = map.KeyTypeId;
            attr.btf_value_type_id = map.ValueTypeId;
        }

        if (map.StructOps is { } ops)
        {
            // the kernel takes the value type from its own BTF; the object's BTF must come along, without a value type id
            attr.btf_vmlinux_value_type_id = ops.KernelValueTypeId;
            if (ops.KernelModule is { } module)
            {
                attr.value_type_btf_obj_fd = module.Fd.Value;
                attr.map_flags |= BpfMapFlags.ValueTypeBtfObjFd;
            }

            attr.btf_key_type_id = attr.btf_value_type_id = 0;
            attr.btf_fd = _obj.BtfFd is { } objBtf ? (uint)objBtf.Value : 0;
        }

        BpfFd? inner = null;
        try
        {
            if (map.InnerMap is { } template)
            {
                inner = CreateMapFd(template);
                attr.inner_map_fd = (uint)inner.Value;
            }

            int fd = Bpf.TryMapCreate(ref attr);
            if (fd < 0 && (attr.btf_key_type_id != 0 || attr.btf_value_type_id != 0))
            {
                Log($"map '{map.Name}': kernel refused it with BTF types ({Errno.Name(-fd)}); retrying without BTF, as libbpf does");
                attr.btf_fd = attr.btf_key_type_id = attr.btf_value_type_id = 0;
                fd = Bpf.TryMapCreate(ref attr);
            }

            if (fd < 0)
            {
                return Bpf.MapCreate(ref attr, map.Name); // repeats the call to raise the error with its explanation
            }

            return new BpfFd(fd);
        }
        finally
        {
            inner?.Dispose(); // the kernel keeps what it needs from the template
        }
    }

    private bool TryReusePin(BpfMap map, string path)
    {
        if (!File.Exists(path)) return false;
        var fd = Bpf.ObjGet(path);
        MapInfo info;
        try
        {
            info = Bpf.MapGetInfo(fd); // fails for a pin that is not a map
        }
        catch
        {
            fd.Dispose();
            throw;
        }

        uint expectedMax = map.MaxEntries;
        var mismatch = new List<string>();
        if (info.type != (uint)map.Type) mismatch.Add($"type {(BpfMapType)info.type} vs {map.Type}");
        if (info.key_size != map.KeySize) mismatch.Add($"key size {info.key_size} vs {map.KeySize}");
        if (info.value_size != map.ValueSize) mismatch.Add($"value size {info.value_size} vs {map.ValueSize}");
        if (info.max_entries != expectedMax) mismatch.Add($"max_entries {info.max_entries} vs {expectedMax}");
        if (info.map_flags != map.Flags) mismatch.Add($"flags 0x{info.map_flags:x} vs 0x{map.Flags:x}");
        if (mismatch.Count > 0)
        {
            fd.Dispose();
            throw new BpfLoadException($"map '{map.Name}'", $"the map pinned at {path} is not compatible: {string.Join(", ", mismatch)}; remove the pin or change the definition");
        }

        map.Fd = fd;
        map.Id = info.id;
        map.ReusedPin = true;
        Log($"map '{map.Name}' reuses the pin at {path} (id {info.id})");
        return true;
    }

    private void PopulateDataMap(BpfMap map)
    {
        var image = map.InitialData!;
        int key = 0;
        fixed (byte* v = image)
        {
            Bpf.MapUpdateElem(map.Fd!, &key, v, BpfAny, $"map '{map.Name}' (initial contents)");
        }

        if (map.IsReadOnly)
        {
            Bpf.MapFreeze(map.Fd!, $"map '{map.Name}'");
        }

        if ((map.Flags & BpfMapFlags.Mmapable) != 0)
        {
            nuint page = (nuint)Environment.SystemPageSize;
            nuint length = ((nuint)map.ValueSize + page - 1) / page * page;
            map.Mapping = MappedRegion.Map(map.Fd!, length, writable: !map.IsReadOnly, $"map '{map.Name}'");
        }
    }

    private void LoadProgram(LinkedProgram linked, ExternValues externs)
    {
        var prog = linked.Main;
        if (prog.Type == BpfProgramType.unspec)
        {
            throw new BpfLoadException($"program '{prog.Name}'", $"unknown program type: section '{prog.SectionName}' is not a recognised SEC() name; set Type before Load()");
        }

        var insns = linked.Instructions.ToArray();
        ApplyDataRelocations(linked, insns, externs);
        uint attachBtfId = AttachTargets.Resolve(prog, _options);
        uint expectedAttach = (uint)(prog.ExpectedAttachType ?? 0);
        if (prog.Type == BpfProgramType.struct_ops)
        {
            if (prog.StructOpsAttachBtfId == 0)
            {
                throw new BpfLoadException($"program '{prog.Name}'", "this SEC(\"struct_ops\") program is not referenced by any struct_ops map member (did you forget to use it?)");
            }

            attachBtfId = prog.StructOpsAttachBtfId;
            expectedAttach = prog.StructOpsMemberIndex; // the kernel takes the member index here
        }

        uint attachBtfObjFd = prog.StructOpsModule is { } structModule ? (uint)structModule.Fd.Value : 0;

        var code = new byte[insns.Length * BpfInstruction.Size];
        for (int i = 0; i < insns.Length; i++) insns[i].Encode(code.AsSpan(i * BpfInstruction.Size));
        var license = Encoding.UTF8.GetBytes(_obj.License + "\0");
        var funcInfo = Records(linked.FuncInfos.Select(f => new[] { (uint)f.InstructionOffset, f.TypeId }));
        var lineInfo = Records(linked.LineInfos.Select(l => new[] { (uint)l.InstructionOffset, l.FileNameOffset, l.LineOffset, l.LineColumn }));
        // func/line info need kernel FUNC support; without it the FUNCs were sanitised away (libbpf: FEAT_BTF_FUNC)
        bool withBtf = _obj.BtfFd is not null && linked.FuncInfos.Count > 0 && Features.Func;

        fixed (byte* c = code, lic = license, fi = funcInfo, li = lineInfo)
        fixed (int* fdArray = _fdArray)
        {
            var attr = new ProgLoadAttr
            {
                prog_type = (uint)prog.Type,
                insn_cnt = (uint)insns.Length,
                insns = (ulong)c,
                license = (ulong)lic,
                kern_version = _obj.KernelVersion != 0 ? _obj.KernelVersion : KernelInfo.Version,
                prog_flags = prog.Flags,
                expected_attach_type = expectedAttach,
                attach_btf_id = attachBtfId,
                attach_btf_obj_fd = attachBtfObjFd,
                fd_array = _fdArray.Length > 0 ? (ulong)fdArray : 0,
            };
            WriteName(attr.prog_name, prog.Name);
            if (withBtf)
            {
                attr.prog_btf_fd = (uint)_obj.BtfFd!.Value;
                attr.func_info_rec_size = 8;
                attr.func_info = (ulong)fi;
                attr.func_info_cnt = (uint)linked.FuncInfos.Count;
                attr.line_info_rec_size = 16;
                attr.line_info = (ulong)li;
                attr.line_info_cnt = (uint)linked.LineInfos.Count;
            }

            int fd;
            string? log;
            try
            {
                (fd, log) = LoadWithLog(ref attr, prog.Name, _options.LogLevel);
            }
            catch (BpfVerifierException e)
            {
                throw new BpfVerifierException(prog.Name, e.Errno, VerifierLogFixup.Apply(e.VerifierLog, linked, _coreResults, _obj));
            }

            prog.Fd = new BpfFd(fd);
            if (_options.LogLevel > 0) prog.VerifierLog = log;
        }

        var info = Bpf.ProgGetInfo(prog.Fd!);
        prog.Id = info.id;
        prog.Tag = NativeText.Tag(info.tag);
        prog.VerifiedInstructions = info.verified_insns;
        Log($"program '{prog.Name}' loaded: {prog.Type}, id {prog.Id}, tag {prog.Tag}, {insns.Length} insns");

        // Keep .rodata alive with the program even when the object is closed (libbpf binds every .rodata map).
        foreach (var m in _obj.Maps.Where(m => m.Origin == BpfMapOrigin.Data && m.SectionName.StartsWith(".rodata", StringComparison.Ordinal) && m.Fd is not null))
        {
            try { Bpf.ProgBindMap(prog.Fd!, m.Fd!, $"program '{prog.Name}' and map '{m.Name}'"); }
            catch (BpfSyscallException e) { Log($"could not bind {m.Name} to {prog.Name}: {e.Message}"); }
        }
    }

    /// <summary>First attempt without a log (as libbpf); on failure retry with one, growing it until the whole log fits.</summary>
    private static (int Fd, string? Log) LoadWithLog(ref ProgLoadAttr attr, string name, uint logLevel)
    {
        uint size = logLevel > 0 ? 1u << 20 : 0;
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
                    size = 1u << 20;
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

    private void ApplyDataRelocations(LinkedProgram linked, BpfInstruction[] insns, ExternValues externs)
    {
        const byte pseudoMapFd = 1, pseudoMapValue = 2, pseudoBtfId = 3;
        foreach (var r in linked.Relocations)
        {
            int i = r.InstructionIndex;
            switch (r.Kind)
            {
                case BpfRelocationKind.MapReference:
                    insns[i] = insns[i] with { Source = pseudoMapFd, Immediate = MapFd(r.MapName!, linked) };
                    break;
                case BpfRelocationKind.Data or BpfRelocationKind.ArenaData:
                    insns[i + 1] = insns[i + 1] with { Immediate = (int)(insns[i].Immediate + r.SymbolOffset) };
                    insns[i] = insns[i] with { Source = pseudoMapValue, Immediate = MapFd(r.MapName!, linked) };
                    break;
                case BpfRelocationKind.ExternLoad:
                {
                    var ext = _obj.Externs[r.ExternName!];
                    if (ext.Kind == BpfExternKind.Kconfig)
                    {
                        var kmap = _obj.Maps.Single(m => m.Origin == BpfMapOrigin.Kconfig);
                        insns[i] = insns[i] with { Source = pseudoMapValue, Immediate = MapFd(kmap.Name, linked) };
                        insns[i + 1] = insns[i + 1] with { Immediate = ext.DataOffset };
                    }
                    else if (externs.KernelBtfIds.TryGetValue(ext.Name, out var btfId) && ext.TypeId != 0)
                    {
                        // a module's variable: the second half names the module's BTF fd (0: vmlinux)
                        int btfFd = externs.Modules.TryGetValue(ext.Name, out var varModule) ? varModule.Fd.Value : 0;
                        insns[i] = insns[i] with { Source = pseudoBtfId, Immediate = (int)btfId };
                        insns[i + 1] = insns[i + 1] with { Immediate = btfFd };
                    }
                    else
                    {
                        ulong addr = externs.Addresses.GetValueOrDefault(ext.Name);
                        insns[i] = insns[i] with { Immediate = (int)(uint)addr };
                        insns[i + 1] = insns[i + 1] with { Immediate = (int)(uint)(addr >> 32) };
                    }

                    break;
                }

                case BpfRelocationKind.ExternCall:
                {
                    var ext = _obj.Externs[r.ExternName!];
                    if (externs.KernelBtfIds.TryGetValue(ext.Name, out var id))
                    {
                        short fdIndex = externs.Modules.TryGetValue(ext.Name, out var kfuncModule) ? (short)Array.IndexOf(_fdArray, kfuncModule.Fd.Value) : (short)0;
                        insns[i] = insns[i] with { Source = BpfInstruction.PseudoKfuncCall, Immediate = (int)id, Offset = fdIndex };
                    }
                    else
                    {
                        // unresolved weak kfunc: libbpf's poison, a call the verifier reports only if it is reachable
                        int index = _obj.Externs.ToList().IndexOf(ext);
                        insns[i] = insns[i] with { Destination = 0, Source = 0, Offset = 0, Immediate = ExternResolver.PoisonKfuncCallBase + index };
                    }

                    break;
                }
            }
        }
    }

    private int MapFd(string name, LinkedProgram linked) =>
        _obj.Maps.Find(name)?.Fd?.Value ?? throw new BpfLoadException($"program '{linked.Main.Name}'", $"references map '{name}', which was not created");

    private void InitSlots()
    {
        foreach (var map in _obj.Maps.Where(m => m.InitialSlots.Count > 0))
        {
            for (int slot = 0; slot < map.InitialSlots.Count; slot++)
            {
                if (map.InitialSlots[slot] is not { } target) continue;
                int fd = map.Type == BpfMapType.prog_array
                    ? _obj.Programs[target].Fd?.Value ?? throw new BpfLoadException($"map '{map.Name}'", $"slot {slot} names program '{target}', which is not loaded (AutoLoad off?)")
                    : _obj.Maps[target].Fd!.Value;
                int key = slot;
                Bpf.MapUpdateElem(map.Fd!, &key, &fd, BpfAny, $"map '{map.Name}' slot {slot}");
            }
        }
    }

    private static byte[] Records(IEnumerable<uint[]> records)
    {
        var list = new List<byte>();
        foreach (var r in records)
        {
            foreach (var v in r) list.AddRange(BitConverter.GetBytes(v));
        }

        return list.Count == 0 ? new byte[1] : list.ToArray();
    }

    private static void WriteName(byte* dest, string name)
    {
        // The kernel allows 15 characters: letters, digits, '_' and '.'.
        var bytes = Encoding.ASCII.GetBytes(name);
        int n = Math.Min(bytes.Length, 15);
        for (int i = 0; i < n; i++) dest[i] = bytes[i];
    }


    private static string LastLines(string log) => string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
}
