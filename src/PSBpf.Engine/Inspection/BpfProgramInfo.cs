namespace PSBpf.Engine;

/// <summary>A program loaded in the kernel, as <c>bpftool prog show</c> describes it: plain data, no handles.</summary>
public sealed class BpfProgramInfo
{
    /// <summary>Kernel program id.</summary>
    public uint Id { get; init; }
    /// <summary>Program type; member names are bpftool's.</summary>
    public BpfProgramType Type { get; init; }
    /// <summary>Program name as the kernel keeps it (at most 15 characters).</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The kernel's tag (hash of the instructions), 16 hex digits.</summary>
    public string Tag { get; init; } = string.Empty;
    /// <summary>True when the program declared a GPL-compatible license.</summary>
    public bool GplCompatible { get; init; }
    /// <summary>When it was loaded (local time).</summary>
    public DateTime LoadedAt { get; init; }
    /// <summary>User id of the loader.</summary>
    public uint Uid { get; init; }
    /// <summary>Bytes of translated (post-verifier) instructions.</summary>
    public uint XlatedSize { get; init; }
    /// <summary>True when the program was JIT-compiled.</summary>
    public bool Jited { get; init; }
    /// <summary>Bytes of JIT-compiled code.</summary>
    public uint JitedSize { get; init; }
    /// <summary>Bytes of memory charged to the program (fdinfo memlock), null when not readable.</summary>
    public ulong? MemLock { get; init; }
    /// <summary>Ids of the maps the program uses.</summary>
    public uint[] MapIds { get; init; } = [];
    /// <summary>Id of the program's BTF object, 0 for none.</summary>
    public uint BtfId { get; init; }
    /// <summary>Total run time in ns; only counted while statistics are enabled (kernel.bpf_stats_enabled).</summary>
    public ulong RunTimeNs { get; init; }
    /// <summary>Number of runs; only counted while statistics are enabled.</summary>
    public ulong RunCount { get; init; }
    /// <summary>Runs skipped because the program was already running on the CPU.</summary>
    public ulong RecursionMisses { get; init; }
    /// <summary>Instructions the verifier processed.</summary>
    public uint VerifiedInstructions { get; init; }
    /// <summary>Network device the program is offloaded to or bound to, 0 for none.</summary>
    public uint IfIndex { get; init; }
    /// <summary>BTF type id the program attaches to (tracing, lsm, struct_ops, freplace), 0 for none.</summary>
    public uint AttachBtfId { get; init; }
    /// <summary>Id of the BTF object holding <see cref="AttachBtfId"/>, 0 for vmlinux or none.</summary>
    public uint AttachBtfObjectId { get; init; }
    /// <summary>Processes holding a program fd (best effort: processes this user cannot read are missed).</summary>
    public BpfProcessRef[] Pids { get; init; } = [];
    /// <summary>Paths on bpffs mounts where it is pinned (like <c>bpftool -f</c>).</summary>
    public string[] PinnedPaths { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {Type} name {Name} tag {Tag}";
}
