namespace PSBpf.Engine;

/// <summary>A map in the kernel, as <c>bpftool map show</c> describes it: plain data, no handles.</summary>
public sealed class BpfMapInfo
{
    /// <summary>Kernel map id.</summary>
    public uint Id { get; init; }
    /// <summary>Map type; member names are bpftool's.</summary>
    public BpfMapType Type { get; init; }
    /// <summary>Map name as the kernel keeps it (at most 15 characters).</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>Key size in bytes.</summary>
    public uint KeySize { get; init; }
    /// <summary>Value size in bytes.</summary>
    public uint ValueSize { get; init; }
    /// <summary>Maximum number of entries.</summary>
    public uint MaxEntries { get; init; }
    /// <summary>map_flags (BPF_F_*).</summary>
    public uint Flags { get; init; }
    /// <summary>map_extra (bloom filter hash count, arena address).</summary>
    public ulong MapExtra { get; init; }
    /// <summary>Id of the map's BTF object, 0 for none.</summary>
    public uint BtfId { get; init; }
    /// <summary>BTF type id of the key, 0 for none.</summary>
    public uint BtfKeyTypeId { get; init; }
    /// <summary>BTF type id of the value, 0 for none.</summary>
    public uint BtfValueTypeId { get; init; }
    /// <summary>Network device the map is offloaded to, 0 for none.</summary>
    public uint IfIndex { get; init; }
    /// <summary>Bytes of memory charged to the map (fdinfo memlock), null when not readable.</summary>
    public ulong? MemLock { get; init; }
    /// <summary>True when the map is frozen (read-only for syscalls, e.g. .rodata).</summary>
    public bool Frozen { get; init; }
    /// <summary>Processes holding a map fd (best effort).</summary>
    public BpfProcessRef[] Pids { get; init; } = [];
    /// <summary>Paths on bpffs mounts where it is pinned (like <c>bpftool -f</c>).</summary>
    public string[] PinnedPaths { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {Type} name {Name} key {KeySize}B value {ValueSize}B max_entries {MaxEntries}";
}
