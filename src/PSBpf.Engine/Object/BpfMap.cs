using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// A map of a BPF object: its definition as read at open (type, sizes, flags, BTF types, initial contents)
/// and, once loaded, its kernel identity.
/// </summary>
public sealed class BpfMap
{
    private uint _maxEntries;
    private uint _valueSize;
    private uint _flags;
    private string? _pinPath;
    private bool _pinPathSet;

    internal BpfMap(BpfObject owner, string name, BpfMapOrigin origin)
    {
        Object = owner;
        Name = name;
        Origin = origin;
    }

    /// <summary>A map opened from the kernel: no object around it, its BTF read back from the kernel (or null).</summary>
    internal BpfMap(BpfKernelMap kernel, string name, BpfMapOrigin origin, BtfSpec? btf)
    {
        Kernel = kernel;
        Name = name;
        Origin = origin;
        _kernelBtf = btf;
    }

    private readonly BtfSpec? _kernelBtf;

    /// <summary>The object that defines the map; null for a map opened from the kernel (<see cref="Kernel"/>).</summary>
    internal BpfObject? Object { get; }

    /// <summary>The kernel reference a map opened by id or pin belongs to (it owns the fd); null for an object's map.</summary>
    internal BpfKernelMap? Kernel { get; }

    /// <summary>The BTF the key and value type ids refer to: the object's, or the kernel map's own.</summary>
    internal BtfSpec? Btf => Object is { } obj ? obj.Btf : _kernelBtf;

    /// <summary>Map name as libbpf reports it (global-data maps get libbpf's "&lt;obj&gt;.bss" style names).</summary>
    public string Name { get; }
    /// <summary>Where the definition came from.</summary>
    public BpfMapOrigin Origin { get; }
    /// <summary>Map type.</summary>
    public BpfMapType Type { get; internal set; }
    /// <summary>Key size in bytes.</summary>
    public uint KeySize { get; internal set; }
    /// <summary>Value size in bytes (after load, the size the kernel map has: struct_ops maps take the kernel's value type).</summary>
    public uint ValueSize
    {
        get => Created?.ValueSize ?? _valueSize;
        internal set => _valueSize = value;
    }

    /// <summary>
    /// max_entries (ring buffers already rounded to a power-of-2 number of pages, as libbpf does at open). Like libbpf's
    /// bpf_map__set_max_entries it can be changed before load only, and a ring buffer size set here is rounded the same way.
    /// After load it is what the kernel map was created with (a perf event array with 0 gets one slot per possible CPU).
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the map was loaded (the kernel map keeps the size it was created with).</exception>
    public uint MaxEntries
    {
        get => Created?.MaxEntries ?? _maxEntries;
        set
        {
            if (Fd is not null) throw new InvalidOperationException($"map '{Name}' is already loaded; max_entries can only be changed before load");
            _maxEntries = Type is BpfMapType.ringbuf or BpfMapType.user_ringbuf ? MapReader.AdjustRingBufferSize(value) : value;
        }
    }

    /// <summary>map_flags (BPF_F_*).</summary>
    public uint Flags
    {
        get => _flags;
        set => _flags = value;
    }

    /// <summary>numa_node.</summary>
    public uint NumaNode { get; internal set; }
    /// <summary>map_extra (bloom filter hashes, arena address).</summary>
    public ulong MapExtra { get; internal set; }
    /// <summary>pinning attribute.</summary>
    public BpfPinning Pinning { get; internal set; }
    /// <summary>
    /// Where the map is pinned: &lt;pin root&gt;/&lt;name&gt; for pinning = LIBBPF_PIN_BY_NAME (default root /sys/fs/bpf, or
    /// the load's <see cref="BpfLoadOptions.PinRoot"/> once loaded), else null. Setting it (null included) overrides the
    /// default, as libbpf's bpf_map__set_pin_path.
    /// </summary>
    public string? PinPath
    {
        get => Created is { } created ? created.PinPath : _pinPathSet ? _pinPath : PinPathUnder(MapReader.DefaultPinRoot);
        set
        {
            _pinPath = value;
            _pinPathSet = true;
            if (Created is { } created) Created = created with { PinPath = value };
        }
    }

    /// <summary>The pin path a load under <paramref name="pinRoot"/> uses: the one set explicitly, else the by-name default.</summary>
    internal string? PinPathUnder(string pinRoot) =>
        _pinPathSet ? _pinPath : Pinning == BpfPinning.ByName ? System.IO.Path.Join(pinRoot, Name) : null;

    /// <summary>The definition the kernel map was created with (set when a load succeeds), null before.</summary>
    internal Loader.CreatedMapDefinition? Created { get; set; }
    /// <summary>BTF type id of the key in the object's BTF (0 when none).</summary>
    public uint KeyTypeId { get; internal set; }
    /// <summary>BTF type id of the value (the DATASEC for global-data maps; 0 when none).</summary>
    public uint ValueTypeId { get; internal set; }
    /// <summary>Key type, when the map declares one.</summary>
    public BtfType? KeyType => KeyTypeId == 0 || Btf is null ? null : Btf[KeyTypeId];
    /// <summary>Value type, when the map declares one.</summary>
    public BtfType? ValueType => ValueTypeId == 0 || Btf is null ? null : Btf[ValueTypeId];
    /// <summary>Inner-map template of an array/hash of maps.</summary>
    public BpfMap? InnerMap { get; internal set; }

    /// <summary>
    /// Initial slots of a prog array or map-in-map from `.values = { [i] = &amp;x }`: the program or map name per slot, null for empty slots.
    /// </summary>
    public IReadOnlyList<string?> InitialSlots { get; internal set; } = [];

    /// <summary>ELF section that defines the map.</summary>
    public string SectionName { get; internal set; } = string.Empty;
    /// <summary>Byte offset of the definition in its section (0 for global-data maps).</summary>
    public ulong SectionOffset { get; internal set; }
    internal int SectionIndex { get; set; }

    /// <summary>True for .data/.bss/.rodata style maps and .kconfig.</summary>
    public bool IsInternal => Origin is BpfMapOrigin.Data or BpfMapOrigin.Kconfig;
    /// <summary>True for .rodata* and .kconfig maps, which are frozen after their contents are written.</summary>
    public bool IsReadOnly => Origin == BpfMapOrigin.Kconfig || (Origin == BpfMapOrigin.Data && SectionName.StartsWith(".rodata", StringComparison.Ordinal));

    /// <summary>Kernel map id once loaded, else null.</summary>
    public uint? Id { get; internal set; }
    /// <summary>True when the load reused an existing pinned map instead of creating one.</summary>
    public bool ReusedPin { get; internal set; }
    internal Native.BpfFd? Fd { get; set; }

    /// <summary>
    /// Whether the load creates the map (libbpf's autocreate). True except for SEC("?.struct_ops") maps; set it before
    /// load. Programs that only an uncreated struct_ops map uses are not loaded either.
    /// </summary>
    public bool AutoCreate { get; set; } = true;

    internal BpfStructOps? StructOps { get; set; }

    /// <summary>For struct_ops maps: the struct the map implements (e.g. tcp_congestion_ops); null for other maps.</summary>
    public string? StructOpsType => StructOps?.Type.Name;

    /// <summary>For struct_ops maps: the program each function-pointer member is set to, by member name; empty for other maps.</summary>
    public IReadOnlyDictionary<string, string> StructOpsPrograms =>
        StructOps is not { } ops ? new Dictionary<string, string>()
            : ops.Type.Members.Zip(ops.KernelPrograms ?? ops.Programs).Where(m => m.Second is not null).ToDictionary(m => m.First.Name, m => m.Second!.Name, StringComparer.Ordinal);

    private readonly List<BpfLink> _links = [];

    /// <summary>
    /// Registers a loaded struct_ops map with the kernel (libbpf's bpf_map__attach_struct_ops): the map's value, with
    /// its programs, is written to the map, and for SEC(".struct_ops.link") maps a struct_ops link is created.
    /// Disposing the returned link unregisters it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The map is not a struct_ops map.</exception>
    public BpfLink Attach() => StructOpsLink.Attach(this);

    /// <summary>Live links made by <see cref="Attach"/>.</summary>
    public IReadOnlyList<BpfLink> GetLinks()
    {
        lock (_links) return _links.ToArray();
    }

    internal void Register(BpfLink link)
    {
        lock (_links) _links.Add(link);
    }

    internal void Unregister(BpfLink link)
    {
        lock (_links) _links.Remove(link);
    }

    /// <summary>The map's fd, or an error saying the object must be loaded first.</summary>
    internal Native.BpfFd LoadedFd() => Fd ?? throw new BpfNotLoadedException($"map '{Name}'");
    internal Native.MappedRegion? Mapping { get; set; }

    /// <summary>Initial contents of a global-data map (the section bytes; zeros for .bss). Null for other maps.</summary>
    internal byte[]? InitialData { get; set; }

    /// <summary>
    /// A copy of the initial contents of a global-data map, or null; after load, the contents the kernel map was created
    /// with (.kconfig with its externs resolved).
    /// </summary>
    public byte[]? GetInitialData() => (byte[]?)(Created?.InitialData ?? InitialData)?.Clone();

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Type}, key {KeySize}, value {ValueSize}, max {MaxEntries})";
}
