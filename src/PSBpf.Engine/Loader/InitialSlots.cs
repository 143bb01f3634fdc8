using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>The initial slots of prog arrays and maps of maps, from `.values = { [i] = &amp;x }` (libbpf's init_map_in_map_slots / init_prog_array_slots).</summary>
internal static unsafe class InitialSlots
{
    public static void Write(LoadPlan plan)
    {
        foreach (var map in plan.Maps.Where(m => m.Spec.InitialSlots.Count > 0 && m.Fd is not null))
        {
            var slots = map.Spec.InitialSlots;
            for (int slot = 0; slot < slots.Count; slot++)
            {
                if (slots[slot] is not { } target) continue;
                int fd = map.Spec.Type == BpfMapType.prog_array
                    ? plan.Programs.GetValueOrDefault(plan.Object.Programs[target])?.Fd.Value
                        ?? throw new BpfLoadException($"map '{map.Name}'", $"slot {slot} names program '{target}', which is not loaded (AutoLoad off?)")
                    : plan[plan.Object.Maps[target]].Fd!.Value;
                int key = slot;
                Bpf.MapUpdateElem(map.Fd!, &key, &fd, 0 /* BPF_ANY */, $"map '{map.Name}' slot {slot}");
            }
        }
    }
}
