using System.Globalization;

namespace PSBpf.Engine;

/// <summary>
/// One program attached to a cgroup, as <c>bpftool cgroup show</c> lists them: the hook, the attach flags and the
/// program; with <see cref="Effective"/>, one of the programs that run for the cgroup (its own and its ancestors').
/// </summary>
public sealed record BpfCgroupAttachment
{
    /// <summary>The cgroup's directory on the cgroup2 file system.</summary>
    public string CgroupPath { get; init; } = string.Empty;
    /// <summary>The cgroup's id (its directory's inode number; `bpftool link show` reports cgroup_id).</summary>
    public ulong CgroupId { get; init; }
    /// <summary>The hook, e.g. cgroup_inet_ingress.</summary>
    public BpfAttachType AttachType { get; init; }
    /// <summary>bpftool's words for the attach flags: "multi" (BPF_F_ALLOW_MULTI), "override" (BPF_F_ALLOW_OVERRIDE) or "" (neither); null for effective listings, which have none.</summary>
    public string? AttachFlags { get; init; }
    /// <summary>True when listed with BPF_F_QUERY_EFFECTIVE: the program runs for this cgroup, but may be attached to an ancestor.</summary>
    public bool Effective { get; init; }
    /// <summary>The program's place among those on the same hook, 0 first (the order they run in).</summary>
    public int Order { get; init; }
    /// <summary>The attached program's kernel id.</summary>
    public uint ProgramId { get; init; }
    /// <summary>The attached program's name (empty when it went away while listing).</summary>
    public string ProgramName { get; init; } = string.Empty;
    /// <summary>The cgroup link that holds the attachment; null for BPF_PROG_ATTACH attachments and effective listings.</summary>
    public uint? LinkId { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{CgroupPath} {AttachType}{(string.IsNullOrEmpty(AttachFlags) ? string.Empty : " " + AttachFlags)} prog {ProgramId.ToString(CultureInfo.InvariantCulture)}";
}
