using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The load phase in libbpf's order: externs, struct_ops matching, CO-RE and linking, BTF upload, maps, programs,
/// initial slots. It works on a <see cref="LoadPlan"/>, never on the opened object, and commits the plan into the
/// object only when every step has succeeded; on any failure the plan closes what it made and removes its pins.
/// Each step lives in its own file: <see cref="ExternResolver"/>, <see cref="StructOpsBinder"/>, <see cref="RelocationPass"/>,
/// <see cref="ProgramLinker"/>, <see cref="BtfUploader"/>, <see cref="PinnedMaps"/>, <see cref="MapCreator"/>,
/// <see cref="ProgramLoader"/> (with <see cref="DataRelocator"/>), <see cref="InitialSlots"/>.
/// </summary>
internal sealed class BpfObjectLoader
{
    private readonly BpfObject _obj;
    private readonly BpfLoadOptions _options;

    public BpfObjectLoader(BpfObject obj, BpfLoadOptions options)
    {
        _obj = obj;
        _options = options;
    }

    /// <summary>The kernel's BTF features: probed once per process unless the options give them (tests).</summary>
    public static BtfFeatures Features(BpfLoadOptions options) => options.BtfFeatures ?? KernelFeatures.Btf;

    public void Load()
    {
        using var modules = OpenModules(_options);
        using var plan = new LoadPlan(_obj, _options, _obj.Programs.Where(p => p.AutoLoad), pin: true);
        ResolveExterns(plan, modules);
        StructOpsBinder.Prepare(plan, KernelBtf.Get(_options.KernelBtfPath), modules);
        var code = RelocateCore(plan, modules);
        var linked = _obj.Programs.Where(plan.ToLoad.Contains).Select(p => new ProgramLinker(_obj, code).Link(p)).ToList();
        BtfUploader.Upload(plan, Features(_options));
        PinnedMaps.CheckDirectories(plan);
        for (int i = 0; i < plan.Maps.Count; i++)
        {
            var map = plan.Maps[i];
            _options.Progress?.Invoke(new BpfLoadProgress("maps", map.Name, i, plan.Maps.Count));
            if (!map.Spec.AutoCreate)
            {
                plan.Log?.Invoke($"map '{map.Name}' not created (AutoCreate off)");
                continue;
            }

            if (PinnedMaps.TryReuse(map, plan.Log)) continue;
            MapCreator.Create(map, plan.Btf, plan.Log);
            PinnedMaps.Pin(plan, map);
        }

        for (int i = 0; i < linked.Count; i++)
        {
            _options.Progress?.Invoke(new BpfLoadProgress("programs", linked[i].Main.Name, i, linked.Count));
            plan.Programs[linked[i].Main] = ProgramLoader.Load(plan, linked[i], _options.LogLevel);
        }

        StructOpsBinder.WriteProgramFds(plan);
        InitialSlots.Write(plan);
        plan.Commit();
    }

    /// <summary>Module BTF belongs to the running kernel; a custom kernel BTF file stands alone (libbpf: btf_custom_path).</summary>
    internal static KernelModuleBtfs? OpenModules(BpfLoadOptions options) =>
        options.KernelBtfPath == BpfLoadOptions.RunningKernelBtf ? new KernelModuleBtfs(KernelBtf.Get(options.KernelBtfPath)) : null;

    /// <summary>Gives every extern its value and sets the fd_array that module kfuncs need.</summary>
    internal static void ResolveExterns(LoadPlan plan, KernelModuleBtfs? modules)
    {
        plan.Externs = new ExternResolver(plan, modules).Resolve();
        plan.FdArray = FdArray(plan.Externs);
    }

    /// <summary>Applies CO-RE to the functions to load, keeping the decisions for verifier-log explanations.</summary>
    internal static IReadOnlyDictionary<BpfProgram, Asm.BpfInstruction[]> RelocateCore(LoadPlan plan, KernelModuleBtfs? modules)
    {
        var core = new RelocationPass(plan, modules);
        var code = core.Apply();
        plan.CoreResults = core.Results;
        return code;
    }

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
}
