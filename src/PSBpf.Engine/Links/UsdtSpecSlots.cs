using System.Runtime.CompilerServices;

namespace PSBpf.Engine;

/// <summary>
/// The free ids of an object's <c>__bpf_usdt_specs</c> map: each USDT attachment takes one per distinct argument spec
/// and gives them back when detached, as libbpf's usdt manager does.
/// </summary>
internal static class UsdtSpecSlots
{
    private static readonly ConditionalWeakTable<BpfMap, HashSet<int>> Used = new();

    public static int Take(BpfMap specs, string what)
    {
        var used = Used.GetOrCreateValue(specs);
        lock (used)
        {
            for (int id = 0; id < specs.MaxEntries; id++)
            {
                if (used.Add(id)) return id;
            }
        }

        throw new InvalidOperationException($"{what}: all {specs.MaxEntries} USDT spec slots of {specs.Name} are in use (BPF_USDT_MAX_SPEC_CNT)");
    }

    public static void Release(BpfMap specs, IEnumerable<int> ids)
    {
        var used = Used.GetOrCreateValue(specs);
        lock (used)
        {
            foreach (var id in ids) used.Remove(id);
        }
    }
}
