using System.Buffers.Binary;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The load phase of struct_ops (libbpf's bpf_map__init_kern_struct_ops and bpf_map_prepare_vdata): match each
/// struct_ops map's struct with the kernel's by member name, build the kernel's value image
/// (struct bpf_struct_ops_&lt;name&gt;), tell each program which member it implements, and once the programs are
/// loaded write their fds into the image.
/// </summary>
internal static class StructOpsBinder
{
    private const string ValuePrefix = "bpf_struct_ops_";

    /// <summary>Matches every struct_ops map the plan creates; the matches and each program's member go into the plan.</summary>
    public static void Prepare(LoadPlan plan, BtfSpec kernel, KernelModuleBtfs? modules)
    {
        if (!plan.Maps.Any(m => m.Spec.StructOps is not null)) return;
        var local = plan.Object.Btf!;
        foreach (var map in plan.Maps.Where(m => m.Spec.StructOps is not null && m.Spec.AutoCreate))
        {
            Bind(plan, map, local, kernel, modules);
        }

        AdjustAutoLoad(plan);
    }

    private static void Bind(LoadPlan plan, MapPlan map, BtfSpec local, BtfSpec kernel, KernelModuleBtfs? modules)
    {
        var ops = map.Spec.StructOps!;
        var programs = (BpfProgram?[])ops.Programs.Clone();
        Action<string>? log = plan.Log;
        string what = $"struct_ops map '{map.Name}'";
        string name = BtfCoreNames.EssentialName(ops.Type.Name);
        ModuleBtf? module = null;
        var vtype = kernel.FindByName(ValuePrefix + name, BtfKind.Struct) as BtfComposite;
        if (vtype is null && modules?.Find(ValuePrefix + name, BtfKind.Struct) is var (m, t))
        {
            // a struct_ops type of a module (libbpf: find_ksym_btf_id searches vmlinux, then modules)
            module = m;
            kernel = m.Btf;
            vtype = t as BtfComposite;
        }

        if (vtype is null)
        {
            throw new BpfLoadException(what, $"the kernel has no struct_ops type '{name}' (no struct {ValuePrefix}{name} in its BTF{(modules is null ? string.Empty : " or its modules'")})");
        }

        var ktype = kernel.FindByName(name, BtfKind.Struct) as BtfComposite
            ?? throw new BpfLoadException(what, $"struct {name} is not in the kernel BTF");
        var dataMember = vtype.Members.FirstOrDefault(m => m.TypeId == ktype.Id);
        if (dataMember.Name is null)
        {
            throw new BpfLoadException(what, $"struct {vtype.Name} in the kernel BTF has no member of type struct {name}");
        }

        int dataOffset = (int)(dataMember.BitOffset / 8);
        var image = new byte[vtype.Size];
        var funcOffsets = Enumerable.Repeat(-1, ops.Type.Members.Count).ToArray();

        for (int i = 0; i < ops.Type.Members.Count; i++)
        {
            var member = ops.Type.Members[i];
            int offset = (int)(member.BitOffset / 8);
            if (member.BitfieldSize != 0)
            {
                throw new BpfLoadException(what, $"member '{member.Name}' is a bitfield; struct_ops does not support bitfields");
            }

            long size = local.SizeOf(member.TypeId);
            if (size < 0 || offset + size > ops.Data.Length)
            {
                throw new BpfLoadException(what, $"member '{member.Name}' ({size} bytes at offset {offset}) lies outside struct {ops.Type.Name} ({ops.Data.Length} bytes)");
            }

            var bytes = ops.Data.AsSpan(offset, (int)size);
            int kIndex = IndexOf(ktype, member.Name);
            if (kIndex < 0)
            {
                if (bytes.IndexOfAnyExcept((byte)0) >= 0)
                {
                    throw new BpfLoadException(what, $"member '{member.Name}' of struct {name} is set, but the kernel's struct {name} has no such member");
                }

                if (programs[i] is { } dropped)
                {
                    // as libbpf: the callback cannot work against this kernel, so its program is not loaded for this map
                    plan.ToLoad.Remove(dropped);
                    programs[i] = null;
                }

                log?.Invoke($"{what}: member '{member.Name}' is not in the kernel's struct {name}; it is zero or a program, so it is skipped");
                continue;
            }

            var kMember = ktype.Members[kIndex];
            if (kMember.BitfieldSize != 0) // the object's own bitfields were refused above
            {
                throw new BpfLoadException(what, $"member '{member.Name}' is a bitfield in the kernel's struct; struct_ops does not support bitfields");
            }

            int kOffset = dataOffset + (int)(kMember.BitOffset / 8);
            var mType = local.Resolve(member.TypeId);
            var kType = kernel.Resolve(kMember.TypeId);
            if (mType.Kind != kType.Kind)
            {
                throw new BpfLoadException(what, $"member '{member.Name}' is a {mType.Kind} in the object but a {kType.Kind} in the kernel");
            }

            if (mType is BtfPointer)
            {
                if (programs[i] is not { } prog) continue;
                if (kernel.Resolve(((BtfPointer)kType).TypeId) is not BtfFuncProto)
                {
                    throw new BpfLoadException(what, $"member '{member.Name}' is a function pointer in the object but not in the kernel");
                }

                if (!plan.StructOpsTargets.TryGetValue(prog, out var target))
                {
                    plan.StructOpsTargets[prog] = new StructOpsTarget(ktype.Id, (uint)kIndex, $"{name}.{kMember.Name}", module);
                }
                else if (target.KernelTypeId != ktype.Id || target.MemberIndex != kIndex)
                {
                    throw new BpfLoadException(what, $"program '{prog.Name}' implements {target.Member} and cannot also be member '{member.Name}' of struct {name}");
                }

                funcOffsets[i] = kOffset;
                log?.Invoke($"{what}: {name}.{member.Name} is program '{prog.Name}'");
                continue;
            }

            long kSize = kernel.SizeOf(kMember.TypeId);
            if (kSize != size)
            {
                throw new BpfLoadException(what, $"member '{member.Name}' has {size} bytes in the object but {kSize} in the kernel");
            }

            bytes.CopyTo(image.AsSpan(kOffset));
        }

        map.ValueSize = vtype.Size;
        map.StructOps = new StructOpsBinding(programs)
        {
            KernelTypeId = ktype.Id,
            KernelValueTypeId = vtype.Id,
            KernelValue = image,
            KernelModule = module,
            KernelFunctionOffsets = funcOffsets,
        };
        log?.Invoke($"{what}: value is struct {vtype.Name} ({vtype.Size} bytes, kernel type id {vtype.Id})");
    }

    private static int IndexOf(BtfComposite type, string member)
    {
        for (int i = 0; i < type.Members.Count; i++)
        {
            if (type.Members[i].Name == member) return i;
        }

        return -1;
    }

    /// <summary>A program that struct_ops maps use loads only if one of those maps is created (libbpf's bpf_object_adjust_struct_ops_autoload).</summary>
    private static void AdjustAutoLoad(LoadPlan plan)
    {
        var maps = plan.Maps.Where(m => m.Spec.StructOps is not null).ToList();
        foreach (var p in plan.Object.Programs.Where(p => p.Type == BpfProgramType.struct_ops))
        {
            var users = maps.Where(m => (m.StructOps?.Programs ?? m.Spec.StructOps!.Programs).Contains(p)).ToList(); // a bound map may have dropped p
            if (users.Count == 0) continue;
            if (users.Any(m => m.Spec.AutoCreate)) plan.ToLoad.Add(p);
            else plan.ToLoad.Remove(p);
        }
    }

    /// <summary>Writes each loaded program's fd into the value image, where the kernel expects the function pointer.</summary>
    public static void WriteProgramFds(LoadPlan plan)
    {
        foreach (var map in plan.Maps.Where(m => m.StructOps is not null && m.Fd is not null))
        {
            var binding = map.StructOps!;
            for (int i = 0; i < binding.Programs.Length; i++)
            {
                if (binding.Programs[i] is not { } prog || binding.KernelFunctionOffsets[i] < 0) continue;
                var fd = plan.Programs.GetValueOrDefault(prog)?.Fd
                    ?? throw new BpfLoadException($"struct_ops map '{map.Name}'", $"program '{prog.Name}' for member '{map.Spec.StructOps!.Type.Members[i].Name}' is not loaded (AutoLoad off?)");
                BinaryPrimitives.WriteUInt64LittleEndian(binding.KernelValue.AsSpan(binding.KernelFunctionOffsets[i]), (ulong)fd.Value);
            }
        }
    }
}
