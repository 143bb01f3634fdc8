using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// BPF_MAP_CREATE for one planned map (libbpf's bpf_object__create_map): BTF key/value types where the map type takes
/// them, retried without BTF when the kernel refuses them, the inner-map template of a map-in-map, then the first
/// contents of global-data maps (.rodata frozen, mmap-able ones mapped so globals read and write in place).
/// </summary>
internal static unsafe class MapCreator
{
    private const uint BpfAny = 0;

    /// <summary>Creates the map and fills <see cref="MapPlan.Fd"/>, <see cref="MapPlan.Id"/> and, for global data, its contents.</summary>
    public static void Create(MapPlan map, BpfFd? btf, Action<string>? log)
    {
        map.Fd = CreateFd(map, btf, log);
        map.Id = Bpf.MapGetInfo(map.Fd).id;
        log?.Invoke($"map '{map.Name}' created: {map.Spec.Type}, id {map.Id}");
        if (map.Spec.IsInternal) Populate(map);
    }

    private static BpfFd CreateFd(MapPlan map, BpfFd? btf, Action<string>? log)
    {
        var spec = map.Spec;
        var attr = new MapCreateAttr
        {
            map_type = (uint)spec.Type,
            key_size = spec.KeySize,
            value_size = map.ValueSize,
            max_entries = map.MaxEntries,
            map_flags = map.Flags,
            numa_node = spec.NumaNode,
            map_extra = spec.MapExtra,
        };
        NativeText.WriteObjectName(attr.map_name, spec.Name);
        if (btf is not null && TakesBtf(spec.Type) && (spec.KeyTypeId != 0 || spec.ValueTypeId != 0))
        {
            attr.btf_fd = (uint)btf.Value;
            attr.btf_key_type_id = spec.KeyTypeId;
            attr.btf_value_type_id = spec.ValueTypeId;
        }

        if (map.StructOps is { } ops)
        {
            // the kernel takes the value type from its own BTF; the object's BTF must come along, without a value type id
            attr.btf_vmlinux_value_type_id = ops.KernelValueTypeId;
            if (ops.KernelModule is { } module)
            {
                attr.value_type_btf_obj_fd = module.Fd.Value;
                attr.map_flags |= BpfMapFlags.ValueTypeBtfObjFd;
            }

            attr.btf_key_type_id = attr.btf_value_type_id = 0;
            attr.btf_fd = btf is not null ? (uint)btf.Value : 0;
        }

        BpfFd? inner = null;
        try
        {
            if (map.Inner is { } template)
            {
                inner = CreateFd(template, btf, log);
                attr.inner_map_fd = (uint)inner.Value;
            }

            int fd = Bpf.TryMapCreate(ref attr);
            if (fd < 0 && (attr.btf_key_type_id != 0 || attr.btf_value_type_id != 0))
            {
                log?.Invoke($"map '{spec.Name}': kernel refused it with BTF types ({Errno.Name(-fd)}); retrying without BTF, as libbpf does");
                attr.btf_fd = attr.btf_key_type_id = attr.btf_value_type_id = 0;
                fd = Bpf.TryMapCreate(ref attr);
            }

            return fd >= 0 ? new BpfFd(fd) : Bpf.MapCreate(ref attr, spec.Name); // the repeated call raises the error with its explanation
        }
        finally
        {
            inner?.Dispose(); // the kernel keeps what it needs from the template
        }
    }

    /// <summary>Map types whose kernel code refuses BTF key/value types (libbpf's map_is_btf_compatible, in effect).</summary>
    private static bool TakesBtf(BpfMapType type) => type is not (BpfMapType.perf_event_array or BpfMapType.cgroup_array
        or BpfMapType.stack_trace or BpfMapType.array_of_maps or BpfMapType.hash_of_maps or BpfMapType.devmap
        or BpfMapType.devmap_hash or BpfMapType.cpumap or BpfMapType.xskmap or BpfMapType.sockmap or BpfMapType.sockhash
        or BpfMapType.queue or BpfMapType.stack or BpfMapType.arena);

    private static void Populate(MapPlan map)
    {
        var spec = map.Spec;
        int key = 0;
        fixed (byte* v = map.InitialData)
        {
            Bpf.MapUpdateElem(map.Fd!, &key, v, BpfAny, $"map '{spec.Name}' (initial contents)");
        }

        if (spec.IsReadOnly)
        {
            Bpf.MapFreeze(map.Fd!, $"map '{spec.Name}'");
        }

        if ((map.Flags & BpfMapFlags.Mmapable) != 0)
        {
            nuint page = (nuint)Environment.SystemPageSize;
            nuint length = ((nuint)map.ValueSize + page - 1) / page * page;
            map.Mapping = MappedRegion.Map(map.Fd!, length, writable: !spec.IsReadOnly, $"map '{spec.Name}'");
        }
    }
}
