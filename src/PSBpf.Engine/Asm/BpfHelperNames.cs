using PSBpf.Engine.Btf;
using PSBpf.Engine.Loader;

namespace PSBpf.Engine.Asm;

/// <summary>
/// Helper names by id, read from the running kernel's BTF (<c>enum bpf_func_id</c>: BPF_FUNC_map_lookup_elem → map_lookup_elem),
/// so every helper the kernel has is named without a list to keep up to date.
/// </summary>
public static class BpfHelperNames
{
    private static readonly Lazy<IReadOnlyDictionary<int, string>> Kernel = new(() => Read(KernelBtfPath));

    /// <summary>The kernel BTF the names come from.</summary>
    public const string KernelBtfPath = "/sys/kernel/btf/vmlinux";

    /// <summary>Helper names by id (without the bpf_ prefix); empty when the kernel has no BTF.</summary>
    public static IReadOnlyDictionary<int, string> All => Kernel.Value;

    /// <summary>The helper's name without the bpf_ prefix (e.g. "trace_printk" for 6), or null for ids the kernel does not have.</summary>
    public static string? Get(int id) => All.GetValueOrDefault(id);

    /// <summary>Reads the names from a BTF file's <c>enum bpf_func_id</c>.</summary>
    public static IReadOnlyDictionary<int, string> Read(string btfPath)
    {
        if (!File.Exists(btfPath)) return new Dictionary<int, string>();
        return FromBtf(KernelBtf.Get(btfPath));
    }

    internal static IReadOnlyDictionary<int, string> FromBtf(BtfSpec btf)
    {
        const string prefix = "BPF_FUNC_";
        var names = new Dictionary<int, string>();
        if (btf.FindByName("bpf_func_id", BtfKind.Enum) is not BtfEnum e) return names;
        foreach (var v in e.Values)
        {
            // __BPF_FUNC_MAX_ID closes the enum; it names no helper.
            if (v.Name.StartsWith(prefix, StringComparison.Ordinal)) names[(int)v.Value] = v.Name[prefix.Length..];
        }

        return names;
    }
}
