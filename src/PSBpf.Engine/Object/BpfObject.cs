using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// A BPF object file (*.bpf.o) through the libbpf lifecycle. <see cref="Open(string)"/> reads it into a
/// deterministic model (programs, maps, globals, externs, relocations) without touching the kernel.
/// </summary>
public sealed class BpfObject : IDisposable
{
    private readonly BpfNamedCollection<BpfProgram> _programs = new(p => p.Name, "program");
    private readonly BpfNamedCollection<BpfProgram> _subprograms = new(p => p.Name, "subprogram");
    private readonly BpfNamedCollection<BpfMap> _maps = new(m => m.Name, "map");
    private readonly BpfNamedCollection<BpfGlobal> _globals = new(g => g.Name, "global variable");
    private readonly BpfNamedCollection<BpfExtern> _externs = new(e => e.Name, "extern");

    private BpfObject(string name, string? path)
    {
        Name = name;
        Path = path;
    }

    /// <summary>Object name: the file name up to its first '.', as libbpf names objects ("minimal" for minimal.bpf.o).</summary>
    public string Name { get; }
    /// <summary>Full path of the file, when opened from a file.</summary>
    public string? Path { get; }
    /// <summary>Contents of the "license" section (empty when absent).</summary>
    public string License { get; internal set; } = string.Empty;
    /// <summary>Contents of the "version" section (0 when absent).</summary>
    public uint KernelVersion { get; internal set; }
    /// <summary>Entry-point programs, in section then offset order.</summary>
    public BpfNamedCollection<BpfProgram> Programs => _programs;
    /// <summary>Functions in .text, linked into the programs that call them.</summary>
    public BpfNamedCollection<BpfProgram> Subprograms => _subprograms;
    /// <summary>Maps: BTF-defined and legacy maps first, then global-data maps, then .kconfig.</summary>
    public BpfNamedCollection<BpfMap> Maps => _maps;
    /// <summary>Global variables of the data sections.</summary>
    public BpfNamedCollection<BpfGlobal> Globals => _globals;
    /// <summary>__kconfig and __ksym externs, in libbpf's order.</summary>
    public BpfNamedCollection<BpfExtern> Externs => _externs;
    /// <summary>The object's BTF after the open-phase fixups, or null for objects built without -g.</summary>
    public BtfSpec? Btf { get; internal set; }
    /// <summary>The object's .BTF.ext, or null.</summary>
    public BtfExt? BtfExt { get; internal set; }
    /// <summary>The parsed ELF file.</summary>
    internal ElfFile Elf { get; private set; } = null!;

    /// <summary>Opens an object file. Throws <see cref="BpfFormatException"/> naming the file, section and offset at fault.</summary>
    public static BpfObject Open(string path) => Open(path, null);

    /// <summary>Opens an object file under a chosen object name (libbpf's object_name open option); null derives it from the file name.</summary>
    public static BpfObject Open(string path, string? name)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        ElfFile elf;
        try
        {
            elf = ElfFile.Open(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"BPF object file '{full}' does not exist", full, e);
        }

        // The open phase reads every section it keeps (the DWARF that is most of an object stays unread); the model
        // holds copies, so the file is closed when it is done.
        using (elf)
        {
            return Open(elf, name ?? ObjectNameFromPath(full), full);
        }
    }

    /// <summary>Opens an object from memory; <paramref name="name"/> plays the role of libbpf's object name.</summary>
    public static BpfObject Open(ReadOnlyMemory<byte> elf, string name) => Open(ElfFile.Parse(elf, name), name, null);

    /// <summary>libbpf's object name for a path: the base name cut to 15 characters (BPF_OBJ_NAME_LEN - 1), then at its first '.'.</summary>
    public static string ObjectNameFromPath(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        if (name.Length > 15) name = name[..15];
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot >= 0 ? name[..dot] : name;
    }

    /// <summary>True once <see cref="Load"/> has succeeded.</summary>
    public bool IsLoaded { get; internal set; }
    internal Native.BpfFd? BtfFd { get; set; }
    internal List<string> CreatedPins { get; } = [];

    /// <summary>
    /// The load phase, as libbpf's bpf_object__load: BTF upload, maps (with pinning), relocations, program loads,
    /// initial prog-array and map-in-map slots. On any failure everything created so far is closed and unpinned.
    /// </summary>
    /// <remarks>
    /// The load works on its own copy of the definitions (Loader/LoadPlan): the opened model is not written while it
    /// runs, so a failed load leaves the object as it was opened. A successful one then reports the kernel's view:
    /// ids and tags, each map's created size and pin path (<see cref="BpfLoadOptions.PinRoot"/>, a perf event array's
    /// one slot per CPU, a struct_ops map's kernel value size), and AutoLoad as libbpf leaves it (struct_ops programs
    /// used only by uncreated maps off).
    /// </remarks>
    public void Load(BpfLoadOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsLoaded) throw new InvalidOperationException($"object '{Name}' is already loaded");
        new Loader.BpfObjectLoader(this, options ?? new BpfLoadOptions()).Load();
    }

    private bool _disposed;

    /// <summary>True once <see cref="Dispose"/> has run: every handle of the object is closed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>
    /// Detaches every link made through its programs' Attach, then closes every map, program and BTF object this object
    /// created. Pins stay (see <see cref="Unpin"/>): a pinned map keeps its contents and a pinned link stays attached.
    /// </summary>
    /// <remarks>
    /// Detaching is PSBpf's choice: libbpf's bpf_object__close and cilium/ebpf's Collection.Close leave links alone (a
    /// link keeps its program in the kernel until the link is destroyed). Closing an object here stops its programs;
    /// pin a link (<see cref="BpfLink.Pin"/>) that must outlive the object.
    /// </remarks>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // links keep their programs alive in the kernel, so they go first or the programs would outlive the object;
        // a link that fails to detach must not keep the rest (and every map and program fd) open
        try
        {
            LinkRelease.DisposeAll(GetLinks());
        }
        finally
        {
            ReleaseKernelObjects();
        }
    }

    /// <summary>Live links of the object: those made through its programs' Attach and its struct_ops maps' registrations.</summary>
    public IReadOnlyList<BpfLink> GetLinks() => [.. _programs.SelectMany(p => p.GetLinks()), .. _maps.SelectMany(m => m.GetLinks())];

    // made when the first link is pinned: the list type is framework code over a framework tuple, which no
    // ReadyToRun image holds, so making it in every object's constructor JIT-compiled it in every fresh process
    private readonly Lock _linkPinsLock = new();
    private List<(string Path, uint LinkId)>? _linkPins;

    /// <summary>
    /// Removes this object's pins, as libbpf's bpf_object__unpin_maps does for maps: every map with a pin path (pins this
    /// object created and pins it reused), plus the links pinned through <see cref="BpfLink.Pin"/> for its programs.
    /// Unlike libbpf, a pin is removed only while it still holds this object's map or link, so a pin someone replaced
    /// since is left alone. Works before and after <see cref="Dispose"/>. Returns the paths removed.
    /// </summary>
    public IReadOnlyList<string> Unpin()
    {
        var removed = new List<string>();
        foreach (var link in GetLinks())
        {
            var path = link.PinPath;
            if (path is not null && link.Unpin()) removed.Add(path);
        }

        List<(string Path, uint LinkId)>? links;
        lock (_linkPinsLock)
        {
            links = _linkPins;
            _linkPins = null;
        }

        foreach (var (path, id) in links ?? [])
        {
            if (BpfPinPath.RemoveIfHolds(path, BpfKernelObjectKind.Link, id)) removed.Add(path);
        }

        foreach (var m in _maps)
        {
            if (m.PinPath is { } path && m.Id is { } id && BpfPinPath.RemoveIfHolds(path, BpfKernelObjectKind.Map, id)) removed.Add(path);
        }

        CreatedPins.Clear();
        return removed;
    }

    internal void AddLinkPin(string path, uint linkId)
    {
        lock (_linkPinsLock) (_linkPins ??= []).Add((path, linkId));
    }

    internal void RemoveLinkPin(string path)
    {
        lock (_linkPinsLock) _linkPins?.RemoveAll(p => p.Path == path);
    }

    internal void ReleaseKernelObjects()
    {
        foreach (var p in _programs.Concat(_subprograms))
        {
            p.Fd?.Dispose();
            p.Fd = null;
        }

        foreach (var m in _maps)
        {
            m.Mapping?.Dispose();
            m.Mapping = null;
            m.Fd?.Dispose();
            m.Fd = null;
        }

        BtfFd?.Dispose();
        BtfFd = null;
        IsLoaded = false;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Programs.Count} programs, {Maps.Count} maps)";

    /// <summary>The bytes of a global-data map: the initial image before load, the kernel map's memory (mmap) after.</summary>
    internal unsafe ReadOnlySpan<byte> GlobalImage(BpfMap map)
    {
        if (map.Mapping is { } m) return new ReadOnlySpan<byte>((void*)m.Address, (int)map.ValueSize);
        if (IsLoaded) throw new InvalidOperationException($"map '{map.Name}' is not mmap-able, so its globals cannot be read after load");
        return map.InitialData ?? throw new InvalidOperationException($"map '{map.Name}' is not a global-data map");
    }

    internal unsafe void WriteGlobal(BpfMap map, int offset, ReadOnlySpan<byte> bytes)
    {
        if (map.Mapping is { } m)
        {
            if (!m.Writable) throw new InvalidOperationException($"map '{map.Name}' is read-only after load (.rodata is frozen); set its globals before Load()");
            bytes.CopyTo(new Span<byte>((byte*)m.Address + offset, bytes.Length));
            return;
        }

        if (IsLoaded) throw new InvalidOperationException($"map '{map.Name}' is not mmap-able, so its globals cannot be written after load");
        bytes.CopyTo((map.InitialData ?? throw new InvalidOperationException($"map '{map.Name}' is not a global-data map")).AsSpan(offset));
    }

    internal void AddProgram(BpfProgram p) => (p.IsSubprogram ? _subprograms : _programs).Add(p);
    internal void AddMap(BpfMap m) => _maps.Add(m);

    internal void AddGlobal(BpfGlobal g) => _globals.Add(g);
    internal void AddExtern(BpfExtern e) => _externs.Add(e);

    private static BpfObject Open(ElfFile elf, string name, string? path)
    {
        var file = path ?? name;
        var obj = new BpfObject(name, path);
        obj.Elf = elf;
        try
        {
            new BpfObjectReader(new ObjectContext(obj, elf, file)).Read();
        }
        catch (BpfFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is OverflowException or ArgumentException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException)
        {
            // A malformed file must surface as a format error, never as an internal exception type.
            throw new BpfFormatException(file, null, null, $"malformed object: {e.Message}", e);
        }

        return obj;
    }
}
