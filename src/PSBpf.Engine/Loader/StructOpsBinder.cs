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

    public static void Prepare(BpfObject obj, BtfSpec kernel, KernelModuleBtfs? modules, Action<string> log)
    {
        if (!obj.Maps.Any(m => m.StructOps is not null)) return;
        var local = obj.Btf!;
        foreach (var p in obj.Programs.Where(p => p.Type == BpfProgramType.struct_ops))
        {
            p.StructOpsAttachBtfId = 0;
            p.StructOpsMemberIndex = 0;
            p.StructOpsMember = null;
            p.StructOpsModule = null;
        }

        foreach (var map in obj.Maps.Where(m => m.StructOps is not null && m.AutoCreate))
        {
            Bind(map, local, kernel, modules, log);
        }

        AdjustAutoLoad(obj);
    }

    private static void Bind(BpfMap map, BtfSpec local, BtfSpec kernel, KernelModuleBtfs? modules, Action<string> log)
    {
        var ops = map.StructOps!;
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

                if (ops.Programs[i] is { } dropped)
                {
                    // as libbpf: the callback cannot work against this kernel, so its program is not loaded for this map
                    dropped.AutoLoad = false;
                    ops.Programs[i] = null;
                }

                log($"{what}: member '{member.Name}' is not in the kernel's struct {name}; it is zero or a program, so it is skipped");
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
                if (ops.Programs[i] is not { } prog) continue;
                if (kernel.Resolve(((BtfPointer)kType).TypeId) is not BtfFuncProto)
                {
                    throw new BpfLoadException(what, $"member '{member.Name}' is a function pointer in the object but not in the kernel");
                }

                if (prog.StructOpsAttachBtfId == 0)
                {
                    prog.StructOpsAttachBtfId = ktype.Id;
                    prog.StructOpsMemberIndex = (uint)kIndex;
                    prog.StructOpsMember = $"{name}.{kMember.Name}";
                    prog.StructOpsModule = module;
                }
                else if (prog.StructOpsAttachBtfId != ktype.Id || prog.StructOpsMemberIndex != kIndex)
                {
                    throw new BpfLoadException(what, $"program '{prog.Name}' implements {prog.StructOpsMember} and cannot also be member '{member.Name}' of struct {name}");
                }

                funcOffsets[i] = kOffset;
                log($"{what}: {name}.{member.Name} is program '{prog.Name}'");
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
        ops.KernelTypeId = ktype.Id;
        ops.KernelValueTypeId = vtype.Id;
        ops.KernelValue = image;
        ops.KernelModule = module;
        ops.KernelFunctionOffsets = funcOffsets;
        log($"{what}: value is struct {vtype.Name} ({vtype.Size} bytes, kernel type id {vtype.Id})");
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
    private static void AdjustAutoLoad(BpfObject obj)
    {
        var maps = obj.Maps.Where(m => m.StructOps is not null).ToList();
        foreach (var p in obj.Programs.Where(p => p.Type == BpfProgramType.struct_ops))
        {
            var users = maps.Where(m => m.StructOps!.Programs.Contains(p)).ToList();
            if (users.Count > 0) p.AutoLoad = users.Any(m => m.AutoCreate);
        }
    }

    /// <summary>Writes each program's fd into the value image, where the kernel expects the function pointer.</summary>
    public static void WriteProgramFds(BpfObject obj)
    {
        foreach (var map in obj.Maps.Where(m => m.StructOps?.KernelValue is not null && m.AutoCreate))
        {
            var ops = map.StructOps!;
            for (int i = 0; i < ops.Programs.Length; i++)
            {
                if (ops.Programs[i] is not { } prog || ops.KernelFunctionOffsets[i] < 0) continue;
                var fd = prog.Fd ?? throw new BpfLoadException($"struct_ops map '{map.Name}'", $"program '{prog.Name}' for member '{ops.Type.Members[i].Name}' is not loaded (AutoLoad off?)");
                BinaryPrimitives.WriteUInt64LittleEndian(ops.KernelValue!.AsSpan(ops.KernelFunctionOffsets[i]), (ulong)fd.Value);
            }
        }
    }
}
