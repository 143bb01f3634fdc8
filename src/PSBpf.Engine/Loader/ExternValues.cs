namespace PSBpf.Engine.Loader;

/// <summary>What the externs resolved to: kernel BTF ids (typed ksyms, kfuncs) and kallsyms addresses (typeless ksyms).</summary>
internal sealed class ExternValues
{
    public Dictionary<string, uint> KernelBtfIds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ulong> Addresses { get; } = new(StringComparer.Ordinal);

    /// <summary>Typed ksyms and kfuncs found in a kernel module's BTF rather than vmlinux's, with that module.</summary>
    public Dictionary<string, ModuleBtf> Modules { get; } = new(StringComparer.Ordinal);
}
