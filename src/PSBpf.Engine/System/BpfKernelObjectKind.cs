namespace PSBpf.Engine;

/// <summary>What kind of BPF object a file descriptor (or a pinned path) refers to.</summary>
public enum BpfKernelObjectKind
{
    /// <summary>Not a BPF object this build recognises (BTF, token, or not BPF at all).</summary>
    Unknown,
    /// <summary>A program.</summary>
    Program,
    /// <summary>A map.</summary>
    Map,
    /// <summary>A link.</summary>
    Link,
}
