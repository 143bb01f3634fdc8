namespace PSBpf.Engine.Btf;

/// <summary>How <see cref="BtfCHeader"/> reads headers.</summary>
public sealed record BtfCHeaderOptions
{
    /// <summary>
    /// Kernel BTF that resolves names a header uses without defining them (<c>pid_t</c>, <c>struct task_struct</c>, the
    /// types of skipped <c>&lt;system&gt;</c> headers and vmlinux.h). Default the running kernel's; null: none.
    /// Read only when such a name comes up.
    /// </summary>
    public string? KernelBtfPath { get; init; } = BpfLoadOptions.RunningKernelBtf;

    /// <summary>The file name declaration text is reported under (in error locations). Default <c>&lt;TypeDefinition&gt;</c>.</summary>
    public string DefinitionName { get; init; } = "<TypeDefinition>";

    /// <summary>Directory that <c>#include "x.h"</c> in declaration text is relative to. Default the current directory.</summary>
    public string? DefinitionDirectory { get; init; }
}
