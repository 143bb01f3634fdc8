namespace PSBpf.Engine;

/// <summary>
/// Opening a kernel object found nothing: no program or map has the id, or nothing is pinned at the path. The engine's
/// not-found convention: opening something by id or pin, and indexing a collection by name, throw (this, or
/// <see cref="KeyNotFoundException"/>, its base); Find, Lookup and inspection queries by id return null instead.
/// </summary>
public sealed class BpfKernelObjectNotFoundException : KeyNotFoundException
{
    /// <summary>Nothing of <paramref name="kind"/> has kernel id <paramref name="id"/>.</summary>
    public BpfKernelObjectNotFoundException(BpfKernelObjectKind kind, uint id)
        : base($"no BPF {Noun(kind)} has id {id}")
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>Nothing is pinned at <paramref name="pinnedPath"/> (BPF_OBJ_GET said ENOENT).</summary>
    public BpfKernelObjectNotFoundException(BpfKernelObjectKind kind, string pinnedPath)
        : base($"nothing is pinned at '{pinnedPath}' (looking for a BPF {Noun(kind)})")
    {
        Kind = kind;
        PinnedPath = pinnedPath;
    }

    /// <summary>What was looked for.</summary>
    public BpfKernelObjectKind Kind { get; }
    /// <summary>The id looked for, or null when a pin was.</summary>
    public uint? Id { get; }
    /// <summary>The pin path looked at, or null when an id was looked for.</summary>
    public string? PinnedPath { get; }

    private static string Noun(BpfKernelObjectKind kind) => kind switch
    {
        BpfKernelObjectKind.Program => "program",
        BpfKernelObjectKind.Map => "map",
        BpfKernelObjectKind.Link => "link",
        _ => "object",
    };
}
