using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Finds and caches the target candidates of local types (bpf_core_find_cands + bpf_core_add_cands): types
/// of a compatible kind whose essential name (flavour suffix stripped) equals the local type's, in type id
/// order, from vmlinux first and from module BTFs only when vmlinux has none. The cached lists are pruned by
/// the relocations that use them, as libbpf prunes its candidate cache, so the same relocation order gives
/// the same decisions.
/// </summary>
internal sealed class CoreCandidateFinder
{
    private readonly BtfSpec _localBtf;
    private readonly BtfSpec _vmlinux;
    private readonly IReadOnlyList<BtfSpec> _modules;
    // int keys and plain lists: instantiations over the framework's ReadyToRun code, not new ones for a fresh process to JIT
    private readonly Dictionary<int, List<CoreCandidate>> _cache = [];

    public CoreCandidateFinder(BtfSpec localBtf, BtfSpec vmlinux, IReadOnlyList<BtfSpec> modules)
    {
        _localBtf = localBtf;
        _vmlinux = vmlinux;
        _modules = modules;
    }

    /// <summary>
    /// The (mutable, shared) candidate list for <paramref name="localId"/>, searching on first use and writing
    /// libbpf's "found target candidate" lines to <paramref name="log"/>.
    /// </summary>
    public List<CoreCandidate> Get(uint localId, Action<string>? log)
    {
        if (_cache.TryGetValue((int)localId, out var cached))
        {
            return cached;
        }

        var local = CoreBtf.TypeById(_localBtf, localId);
        if (local.Name.Length == 0)
        {
            throw CoreFailure.Invalid($"target candidate search failed for {CoreFormat.Type(local)}: anonymous types have no candidates");
        }

        var list = new List<CoreCandidate>();
        string essential = BtfCoreNames.EssentialName(local.Name);
        Add(local, essential, _vmlinux, 1, "vmlinux", list, log);
        if (list.Count == 0)
        {
            foreach (var module in _modules)
            {
                Add(local, essential, module, module.FirstTypeId, ModuleName(module), list, log);
            }
        }

        _cache[(int)localId] = list;
        return list;
    }

    private static void Add(BtfType local, string essential, BtfSpec btf, uint firstId, string btfName, List<CoreCandidate> list, Action<string>? log)
    {
        var ids = new List<int>(); // ascending, no duplicates: a handful of ids
        Collect(btf, essential, firstId, ids);
        for (var layer = btf; layer is not null; layer = layer.Base)
        {
            // A module type's name may live in the base's strings, so every layer's flavoured names are tried.
            foreach (var flavored in CoreFlavorIndex.For(layer).FlavorsOf(essential))
            {
                Collect(btf, flavored, firstId, ids);
            }
        }

        foreach (int i in ids)
        {
            uint id = (uint)i;
            var t = btf[id];
            if (!CoreBtf.KindsCompatible(t.Kind, local.Kind))
            {
                continue;
            }

            log?.Invoke($"CO-RE relocating {CoreFormat.Type(local)}: found target candidate [{id}] {CoreFormat.BtfKindName(t.Kind)} {t.Name} in [{btfName}]");
            list.Add(new CoreCandidate(btf, id, btfName));
        }
    }

    private static void Collect(BtfSpec btf, string name, uint firstId, List<int> ids)
    {
        foreach (uint id in btf.FindAllByName(name))
        {
            if (id < firstId) continue;
            int at = ids.BinarySearch((int)id);
            if (at < 0) ids.Insert(~at, (int)id);
        }
    }

    /// <summary>Module BTFs are named after their file (/sys/kernel/btf/&lt;module&gt;), as the kernel names them.</summary>
    private static string ModuleName(BtfSpec module) =>
        module.Source is { Length: > 0 } source ? Path.GetFileName(source) : "module";
}
