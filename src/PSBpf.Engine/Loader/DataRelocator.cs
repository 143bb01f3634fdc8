using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Fills in what only the load knows (libbpf's bpf_object__relocate_data and extern relocations): map fds for map
/// references and global data, kconfig slots, kernel variable BTF ids or kallsyms addresses, and kfunc BTF ids.
/// </summary>
internal static class DataRelocator
{
    private const byte PseudoMapFd = 1, PseudoMapValue = 2, PseudoBtfId = 3;

    public static void Apply(LoadPlan plan, LinkedProgram linked, BpfInstruction[] insns)
    {
        var obj = plan.Object;
        var externs = plan.Externs;
        foreach (var r in linked.Relocations)
        {
            int i = r.InstructionIndex;
            switch (r.Kind)
            {
                case BpfRelocationKind.MapReference:
                    insns[i] = insns[i] with { Source = PseudoMapFd, Immediate = MapFd(plan, r.MapName!, linked) };
                    break;
                case BpfRelocationKind.Data or BpfRelocationKind.ArenaData:
                    insns[i + 1] = insns[i + 1] with { Immediate = (int)(insns[i].Immediate + r.SymbolOffset) };
                    insns[i] = insns[i] with { Source = PseudoMapValue, Immediate = MapFd(plan, r.MapName!, linked) };
                    break;
                case BpfRelocationKind.ExternLoad:
                {
                    var ext = obj.Externs[r.ExternName!];
                    if (ext.Kind == BpfExternKind.Kconfig)
                    {
                        var kmap = obj.Maps.Single(m => m.Origin == BpfMapOrigin.Kconfig);
                        insns[i] = insns[i] with { Source = PseudoMapValue, Immediate = MapFd(plan, kmap.Name, linked) };
                        insns[i + 1] = insns[i + 1] with { Immediate = ext.DataOffset };
                    }
                    else if (externs.KernelBtfIds.TryGetValue(ext.Name, out var btfId) && ext.TypeId != 0)
                    {
                        // a module's variable: the second half names the module's BTF fd (0: vmlinux)
                        int btfFd = externs.Modules.TryGetValue(ext.Name, out var varModule) ? varModule.Fd.Value : 0;
                        insns[i] = insns[i] with { Source = PseudoBtfId, Immediate = (int)btfId };
                        insns[i + 1] = insns[i + 1] with { Immediate = btfFd };
                    }
                    else
                    {
                        ulong addr = externs.Addresses.GetValueOrDefault(ext.Name);
                        insns[i] = insns[i] with { Immediate = (int)(uint)addr };
                        insns[i + 1] = insns[i + 1] with { Immediate = (int)(uint)(addr >> 32) };
                    }

                    break;
                }

                case BpfRelocationKind.ExternCall:
                {
                    var ext = obj.Externs[r.ExternName!];
                    if (externs.KernelBtfIds.TryGetValue(ext.Name, out var id))
                    {
                        short fdIndex = externs.Modules.TryGetValue(ext.Name, out var kfuncModule) ? (short)Array.IndexOf(plan.FdArray, kfuncModule.Fd.Value) : (short)0;
                        insns[i] = insns[i] with { Source = BpfInstruction.PseudoKfuncCall, Immediate = (int)id, Offset = fdIndex };
                    }
                    else
                    {
                        // unresolved weak kfunc: libbpf's poison, a call the verifier reports only if it is reachable
                        int index = obj.Externs.ToList().IndexOf(ext);
                        insns[i] = insns[i] with { Destination = 0, Source = 0, Offset = 0, Immediate = ExternResolver.PoisonKfuncCallBase + index };
                    }

                    break;
                }
            }
        }
    }

    private static int MapFd(LoadPlan plan, string name, LinkedProgram linked) =>
        plan.Find(name)?.Fd?.Value ?? throw new BpfLoadException($"program '{linked.Main.Name}'", $"references map '{name}', which was not created");
}
