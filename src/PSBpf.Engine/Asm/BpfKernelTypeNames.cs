using PSBpf.Engine.Btf;
using PSBpf.Engine.Loader;

namespace PSBpf.Engine.Asm;

/// <summary>Names of vmlinux BTF types by id, for kfunc calls and BTF-id loads (whose imm is a vmlinux BTF id before load).</summary>
internal static class BpfKernelTypeNames
{
    private static readonly Lazy<BtfSpec?> Vmlinux = new(() =>
        File.Exists(BpfHelperNames.KernelBtfPath) ? KernelBtf.Get(BpfHelperNames.KernelBtfPath) : null);

    public static string? Get(uint id)
    {
        var btf = Vmlinux.Value;
        if (btf is null || id == 0 || id >= btf.Count) return null;
        var name = btf[id].Name;
        return string.IsNullOrEmpty(name) ? null : name;
    }
}
