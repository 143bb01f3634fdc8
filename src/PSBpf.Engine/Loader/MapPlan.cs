using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// One map as this load creates it: a copy of the opened definition that the load adjusts (pin root, perf array size,
/// struct_ops value, resolved .kconfig contents), and the kernel map once made. The opened <see cref="BpfMap"/> is only
/// read; <see cref="LoadPlan.Commit"/> hands the results over when the whole load has succeeded.
/// </summary>
internal sealed class MapPlan
{
    public MapPlan(BpfMap spec, string? pinPath)
    {
        Spec = spec;
        MaxEntries = spec.MaxEntries;
        ValueSize = spec.ValueSize;
        Flags = spec.Flags;
        PinPath = pinPath;
        InitialData = (byte[]?)spec.InitialData?.Clone();
        Inner = spec.InnerMap is { } inner ? new MapPlan(inner, null) : null;
        if (spec.Type == BpfMapType.perf_event_array && MaxEntries == 0)
        {
            MaxEntries = (uint)KernelInfo.PossibleCpus; // libbpf's map_set_def_max_entries: one slot per possible CPU
        }
    }

    /// <summary>The opened definition.</summary>
    public BpfMap Spec { get; }
    public string Name => Spec.Name;
    public uint MaxEntries { get; }
    public uint ValueSize { get; set; }
    public uint Flags { get; }
    public string? PinPath { get; }
    /// <summary>The first value written into a global-data or .kconfig map (a copy: extern resolution fills .kconfig).</summary>
    public byte[]? InitialData { get; }
    /// <summary>The inner-map template of a map-in-map, created only to give the outer map its shape.</summary>
    public MapPlan? Inner { get; }
    /// <summary>For struct_ops maps, the match with the kernel's struct (set by <see cref="StructOpsBinder.Prepare"/>).</summary>
    public StructOpsBinding? StructOps { get; set; }

    public BpfFd? Fd { get; set; }
    public uint Id { get; set; }
    public bool ReusedPin { get; set; }
    public MappedRegion? Mapping { get; set; }

    /// <summary>Closes what this load made for the map (a failed load, or verification which keeps nothing).</summary>
    public void Release()
    {
        Mapping?.Dispose();
        Mapping = null;
        Fd?.Dispose();
        Fd = null;
    }
}
