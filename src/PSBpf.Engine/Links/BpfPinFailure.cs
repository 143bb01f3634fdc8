namespace PSBpf.Engine;

/// <summary>Why pinning, unpinning or opening a pinned link failed.</summary>
public enum BpfPinFailure
{
    /// <summary>The pin's directory is not on a bpf filesystem (pins can only live on bpffs).</summary>
    NotOnBpffs,
    /// <summary>The pin's directory does not exist.</summary>
    DirectoryMissing,
    /// <summary>Something already exists at the pin path.</summary>
    AlreadyExists,
    /// <summary>The link is already pinned (a link pins once, as libbpf's bpf_link__pin: EBUSY).</summary>
    AlreadyPinned,
    /// <summary>Nothing is pinned at the path.</summary>
    NotFound,
    /// <summary>The pin holds a map or program, not a link.</summary>
    NotALink,
    /// <summary>The attachment is not a BPF link (a socket filter, a perf-event ioctl attachment), so it cannot be pinned.</summary>
    NotPinnable,
    /// <summary>The link was already released by this process.</summary>
    NotAttached,
}
