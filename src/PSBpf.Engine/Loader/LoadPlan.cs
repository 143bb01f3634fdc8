using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The working copy of one load (or verification): which programs it loads, each map's definition as it will be
/// created, the struct_ops matches, extern values and CO-RE decisions, and every kernel object made so far. The opened
/// <see cref="BpfObject"/> is never written while loading: <see cref="Commit"/> moves the results into it when the whole
/// load has succeeded, and <see cref="Dispose"/> closes (and unpins) whatever was not committed.
/// </summary>
internal sealed class LoadPlan : IDisposable
{
    private readonly Dictionary<BpfMap, MapPlan> _byMap = [];
    private bool _committed;

    /// <param name="obj">The opened object.</param>
    /// <param name="options">Load options.</param>
    /// <param name="programs">The entry programs to load (libbpf: those with autoload on).</param>
    /// <param name="pin">False for verification, which neither pins nor reuses pins.</param>
    public LoadPlan(BpfObject obj, BpfLoadOptions options, IEnumerable<BpfProgram> programs, bool pin)
    {
        Object = obj;
        Options = options;
        ToLoad = [.. programs];
        Maps = [.. obj.Maps.Select(m => new MapPlan(m, pin ? m.PinPathUnder(options.PinRoot) : null))];
        foreach (var m in Maps) _byMap[m.Spec] = m;
    }

    public BpfObject Object { get; }
    public BpfLoadOptions Options { get; }
    /// <summary>Entry programs to load; struct_ops matching may take programs out (libbpf's autoload adjustment).</summary>
    public HashSet<BpfProgram> ToLoad { get; }
    public IReadOnlyList<MapPlan> Maps { get; }
    /// <summary>Struct member per struct_ops program in <see cref="ToLoad"/>.</summary>
    public Dictionary<BpfProgram, StructOpsTarget> StructOpsTargets { get; } = [];
    public ExternValues Externs { get; set; } = new();
    /// <summary>BPF_PROG_LOAD's fd_array (module BTF fds for kfuncs), empty when no module kfunc is called.</summary>
    public int[] FdArray { get; set; } = [];
    /// <summary>What each CO-RE relocation resolved to, for explaining verifier logs.</summary>
    public IReadOnlyList<CoreRelocationResult> CoreResults { get; set; } = [];
    public BpfFd? Btf { get; set; }
    public Dictionary<BpfProgram, LoadedProgram> Programs { get; } = [];
    public List<string> CreatedPins { get; } = [];

    /// <summary>True for a function this load handles: a chosen entry program, or a subprogram (linked where called).</summary>
    public bool Loads(BpfProgram p) => p.IsSubprogram ? p.AutoLoad : ToLoad.Contains(p);

    public MapPlan this[BpfMap map] => _byMap[map];

    public MapPlan? Find(string name) => Maps.FirstOrDefault(m => m.Name == name);

    /// <summary>The caller's log, or null: call it as <c>Log?.Invoke($"...")</c>, so that no message is formatted
    /// (enum names, tags) unless someone reads it.</summary>
    public Action<string>? Log => Options.Log;

    /// <summary>Hands every kernel object and adjusted definition to the opened object; from here it owns them.</summary>
    public void Commit()
    {
        foreach (var m in Maps)
        {
            if (m.Fd is null) continue;
            var map = m.Spec;
            map.Created = new CreatedMapDefinition(m.MaxEntries, m.ValueSize, m.PinPath, m.InitialData);
            map.Fd = m.Fd;
            map.Id = m.Id;
            map.ReusedPin = m.ReusedPin;
            map.Mapping = m.Mapping;
            if (m.StructOps is { } binding && map.StructOps is { } ops)
            {
                ops.KernelValue = binding.KernelValue;
                ops.KernelPrograms = binding.Programs;
            }
        }

        foreach (var (p, loaded) in Programs)
        {
            p.Fd = loaded.Fd;
            p.Id = loaded.Id;
            p.Tag = loaded.Tag;
            p.VerifiedInstructions = loaded.VerifiedInstructions;
            p.VerifierLog = loaded.VerifierLog;
            p.StructOpsMember = StructOpsTargets.GetValueOrDefault(p)?.Member;
        }

        // autoload after load says what was loaded, as libbpf's: struct_ops matching may have turned programs on or off
        foreach (var p in Object.Programs) p.AutoLoad = ToLoad.Contains(p);
        Object.BtfFd = Btf;
        Object.CreatedPins.AddRange(CreatedPins);
        Object.IsLoaded = true;
        _committed = true;
    }

    /// <summary>Closes every kernel object of an uncommitted load and removes the pins it created (pins it reused belong to others).</summary>
    public void Dispose()
    {
        if (_committed) return;
        _committed = true;
        foreach (var p in Programs.Values) p.Fd.Dispose();
        foreach (var m in Maps) m.Release();
        Btf?.Dispose();
        foreach (var pin in CreatedPins)
        {
            try { File.Delete(pin); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
