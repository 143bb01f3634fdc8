namespace PSBpf.Engine;

/// <summary>What kind of BPF object a file descriptor (or a pinned path) refers to.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfKernelObjectKind : ulong
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
