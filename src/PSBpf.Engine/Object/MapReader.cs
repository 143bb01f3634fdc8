using System.Buffers.Binary;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>
/// Reads map definitions: legacy SEC("maps"), BTF-defined SEC(".maps") (with inner templates and `values`),
/// one array map per global-data section, and the .kconfig map; then the globals of the data maps.
/// </summary>
internal sealed class MapReader
{
    /// <summary>Default pin root, as libbpf's BPF_FS_DEFAULT_PATH.</summary>
    public const string DefaultPinRoot = "/sys/fs/bpf";
    private const int ObjectNameLength = 16; // BPF_OBJ_NAME_LEN
    private const ulong MaxDataSectionSize = 256UL << 20;
    private readonly ObjectContext _ctx;

    public MapReader(ObjectContext ctx) => _ctx = ctx;

    public void Read()
    {
        ReadLegacyMaps();
        ReadBtfMaps();
        ReadDataMaps();
        ReadKconfigMap();
        new StructOpsReader(_ctx).ReadMaps();
    }

    /// <summary>libbpf's internal_map_name: object-name prefix plus section name, cut to 15 characters.</summary>
    public static string InternalMapName(string objectName, string sectionName)
    {
        int sfx = Math.Min(Math.Max(7, sectionName.Length), ObjectNameLength - 1);
        int pfx = sectionName.IndexOf('.', 1) >= 0 ? 0 : Math.Min(ObjectNameLength - sfx - 1, objectName.Length);
        var name = (objectName[..pfx] + sectionName[..Math.Min(sfx, sectionName.Length)]).ToCharArray();
        for (int i = 0; i < name.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(name[i]) && name[i] is not '_' and not '.') name[i] = '_';
        }

        var result = new string(name);
        return result.Length > ObjectNameLength - 1 ? result[..(ObjectNameLength - 1)] : result;
    }

    public void ReadGlobals()
    {
        if (_ctx.Btf is not { } btf) return;
        foreach (var map in _ctx.Object.Maps)
        {
            if (map.Origin != BpfMapOrigin.Data || map.ValueType is not BtfDatasec sec) continue;
            foreach (var vsi in sec.Variables)
            {
                // Static (and hidden) variables are private to the program, as in libbpf's skeletons.
                if (btf[vsi.TypeId] is not BtfVar v || v.Linkage == BtfLinkage.Static) continue;
                if ((ulong)vsi.Offset + vsi.Size > map.ValueSize)
                {
                    throw _ctx.Error(".BTF", null, $"variable '{v.Name}' at offset {vsi.Offset} (size {vsi.Size}) lies outside section {map.SectionName} ({map.ValueSize} bytes)");
                }

                long typeSize;
                try
                {
                    typeSize = btf.SizeOf(v.TypeId);
                }
                catch (BpfFormatException e)
                {
                    throw _ctx.Error(".BTF", null, $"variable '{v.Name}' in {map.SectionName}: {e.Detail}");
                }

                if (typeSize != vsi.Size)
                {
                    throw _ctx.Error(".BTF", null, $"variable '{v.Name}' in {map.SectionName}: its type {btf.Resolve(v.TypeId)} has {typeSize} bytes but DATASEC gives it {vsi.Size}");
                }

                _ctx.Object.AddGlobal(new BpfGlobal(map, v.Name, v.Id, v.TypeId, (int)vsi.Offset, (int)vsi.Size));
            }
        }
    }

    private void ReadLegacyMaps()
    {
        if (_ctx.LegacyMapsSection < 0) return;
        var sec = _ctx.Elf.Sections[_ctx.LegacyMapsSection];
        var syms = _ctx.Symbols
            .Where(s => s.SectionIndex == sec.Index && s.Type is ElfSymbolType.Object or ElfSymbolType.NoType && s.Name.Length > 0)
            .OrderBy(s => s.Value)
            .ToList();
        if (syms.Count == 0) return;
        var data = sec.Data.Span;
        foreach (var sym in syms)
        {
            if (sym.Binding == ElfSymbolBinding.Local)
            {
                throw _ctx.Error(sec.Name, (long)sym.Value, $"legacy map '{sym.Name}' is static; map definitions must be global");
            }

            int defSize = sym.Size > 0 ? (int)Math.Min(sym.Size, int.MaxValue) : data.Length / syms.Count;
            if (defSize < 20 || sym.Value > (ulong)data.Length || (ulong)defSize > (ulong)data.Length - sym.Value)
            {
                throw _ctx.Error(sec.Name, (long)sym.Value, $"legacy map '{sym.Name}': definition of {defSize} bytes at offset {sym.Value} does not fit the {data.Length}-byte section (need at least 20: type, key_size, value_size, max_entries, map_flags)");
            }

            var def = data.Slice((int)sym.Value, defSize);
            var map = new BpfMap(_ctx.Object, sym.Name, BpfMapOrigin.Legacy)
            {
                Type = (BpfMapType)U32(def, 0),
                KeySize = U32(def, 4),
                ValueSize = U32(def, 8),
                MaxEntries = U32(def, 12),
                Flags = U32(def, 16),
                SectionName = sec.Name,
                SectionIndex = sec.Index,
                SectionOffset = sym.Value,
            };
            if (defSize == 36)
            {
                // iproute2's struct bpf_elf_map: id, pinning, inner_id, inner_idx follow the common fields.
                uint pinning = U32(def, 24);
                map.Pinning = pinning switch
                {
                    0 => BpfPinning.None,
                    2 => BpfPinning.ByName, // PIN_GLOBAL_NS: a name under the pin root
                    _ => throw _ctx.Error(sec.Name, (long)sym.Value + 24, $"legacy map '{sym.Name}': iproute2 pinning {pinning} is not supported (only PIN_NONE and PIN_GLOBAL_NS)"),
                };
                if (U32(def, 28) != 0 || U32(def, 32) != 0)
                {
                    throw _ctx.Error(sec.Name, (long)sym.Value + 28, $"legacy map '{sym.Name}': iproute2 inner map references (inner_id/inner_idx) are not supported");
                }
            }
            else
            {
                for (int i = 20; i < defSize; i++)
                {
                    if (def[i] != 0)
                    {
                        throw _ctx.Error(sec.Name, (long)sym.Value + i, $"legacy map '{sym.Name}': definition has {defSize - 20} bytes after the 20-byte struct bpf_map_def and they are not zero (unknown map options)");
                    }
                }
            }

            FinishDefinition(map);
            _ctx.Object.AddMap(map);
        }
    }

    private void ReadBtfMaps()
    {
        if (_ctx.MapsSection < 0) return;
        var sec = _ctx.Elf.Sections[_ctx.MapsSection];
        var btf = _ctx.RequireBtf("SEC(\".maps\")");
        var datasec = btf.FindDatasec(".maps")
            ?? throw _ctx.Error(".BTF", null, "DATASEC '.maps' not found although the object has a .maps section");
        _ctx.MapsDatasecId = datasec.Id;
        var data = sec.Data.Span;
        foreach (var vsi in datasec.Variables)
        {
            var var = btf[vsi.TypeId] as BtfVar;
            string name = var?.Name ?? string.Empty;
            if (name.Length == 0) throw _ctx.Error(".maps", vsi.Offset, $"map definition [{vsi.TypeId}] has no name");
            if ((ulong)vsi.Offset + vsi.Size > (ulong)data.Length)
            {
                throw _ctx.Error(".maps", vsi.Offset, $"map '{name}': BTF places it at {vsi.Offset}+{vsi.Size}, beyond the {data.Length}-byte section");
            }

            if (var is null) throw _ctx.Error(".BTF", null, $"map '{name}': DATASEC entry is {btf[vsi.TypeId]}, not a VAR");
            if (var.Linkage != BtfLinkage.Global)
            {
                throw _ctx.Error(".maps", vsi.Offset, $"map '{name}': {var.Linkage.ToString().ToLowerInvariant()} linkage is not supported; define maps as non-static globals");
            }

            var def = btf.Resolve(var.TypeId) as BtfComposite;
            if (def is null || def.IsUnion) throw _ctx.Error(".BTF", null, $"map '{name}': definition is {btf.Resolve(var.TypeId)}, expected a struct");
            if (def.Size > vsi.Size) throw _ctx.Error(".maps", vsi.Offset, $"map '{name}': definition struct ({def.Size} bytes) is larger than its variable ({vsi.Size} bytes)");

            var bytes = data.Slice((int)vsi.Offset, (int)vsi.Size);
            int nonZero = bytes.IndexOfAnyExcept((byte)0);
            if (nonZero >= 0)
            {
                throw _ctx.Error(".maps", vsi.Offset + nonZero, $"map '{name}': the .maps section holds non-zero data; BTF map definitions carry only types (initial `values` slots are set through relocations)");
            }

            var map = new BpfMap(_ctx.Object, name, BpfMapOrigin.Btf)
            {
                SectionName = ".maps",
                SectionIndex = sec.Index,
                SectionOffset = vsi.Offset,
            };
            ParseDefinition(btf, name, def, map, isInner: false);
            FinishDefinition(map);
            _ctx.Object.AddMap(map);
        }
    }

    private void ParseDefinition(BtfSpec btf, string mapName, BtfComposite def, BpfMap map, bool isInner)
    {
        for (int i = 0; i < def.Members.Count; i++)
        {
            var m = def.Members[i];
            switch (m.Name)
            {
                case "type": map.Type = (BpfMapType)FieldInt(btf, mapName, m); break;
                case "max_entries": map.MaxEntries = FieldInt(btf, mapName, m); break;
                case "map_flags": map.Flags = FieldInt(btf, mapName, m); break;
                case "numa_node": map.NumaNode = FieldInt(btf, mapName, m); break;
                case "key_size": map.KeySize = Conflict(mapName, "key", map.KeySize, FieldInt(btf, mapName, m)); break;
                case "value_size": map.ValueSize = Conflict(mapName, "value", map.ValueSize, FieldInt(btf, mapName, m)); break;
                case "key":
                {
                    uint target = PointerTarget(btf, mapName, m, "key");
                    map.KeySize = Conflict(mapName, "key", map.KeySize, TypeSize(btf, mapName, target, "key"));
                    map.KeyTypeId = target;
                    break;
                }
                case "value":
                {
                    uint target = PointerTarget(btf, mapName, m, "value");
                    map.ValueSize = Conflict(mapName, "value", map.ValueSize, TypeSize(btf, mapName, target, "value"));
                    map.ValueTypeId = target;
                    break;
                }
                case "values":
                    ParseValues(btf, mapName, def, map, i, isInner);
                    break;
                case "pinning":
                {
                    if (isInner) throw DefError(mapName, "an inner map definition cannot be pinned");
                    uint val = FieldInt(btf, mapName, m);
                    map.Pinning = val switch
                    {
                        0 => BpfPinning.None,
                        1 => BpfPinning.ByName,
                        _ => throw DefError(mapName, $"invalid pinning value {val} (0 = none, 1 = LIBBPF_PIN_BY_NAME)"),
                    };
                    break;
                }
                case "map_extra":
                    map.MapExtra = FieldLong(btf, mapName, m);
                    break;
                default:
                    throw DefError(mapName, $"unknown field '{m.Name}' (known: type, max_entries, map_flags, numa_node, key, key_size, value, value_size, values, pinning, map_extra)");
            }
        }

        if (map.Type == BpfMapType.unspec)
        {
            throw DefError(mapName, "map type isn't specified (add __uint(type, BPF_MAP_TYPE_...))");
        }
    }

    private void ParseValues(BtfSpec btf, string mapName, BtfComposite def, BpfMap map, int index, bool isInner)
    {
        bool mapInMap = map.Type is BpfMapType.array_of_maps or BpfMapType.hash_of_maps;
        bool progArray = map.Type == BpfMapType.prog_array;
        if (isInner) throw DefError(mapName, "multi-level inner maps are not supported");
        if (index != def.Members.Count - 1) throw DefError(mapName, "'values' must be the last member");
        if (!mapInMap && !progArray) throw DefError(mapName, "'values' is only valid for prog arrays and array/hash of maps (declare the type before 'values')");
        map.ValueSize = Conflict(mapName, "value", map.ValueSize, 4);
        var arr = btf[def.Members[index].TypeId] as BtfArray;
        if (arr is null || arr.Count != 0) throw DefError(mapName, "'values' must be a zero-sized array of pointers");
        if (btf.Resolve(arr.ElementTypeId) is not BtfPointer ptr) throw DefError(mapName, "'values' elements must be pointers");
        var target = btf.Resolve(ptr.TypeId);
        if (progArray)
        {
            if (target is not BtfFuncProto) throw DefError(mapName, $"prog-array 'values' must point to functions, not {target}");
            return;
        }

        if (target is not BtfComposite { IsUnion: false } innerDef) throw DefError(mapName, $"map-in-map inner definition is {target}, expected a struct");
        var inner = new BpfMap(_ctx.Object, mapName + ".inner", BpfMapOrigin.InnerTemplate)
        {
            SectionName = map.SectionName,
            SectionIndex = map.SectionIndex,
        };
        ParseDefinition(btf, mapName + ".inner", innerDef, inner, isInner: true);
        FinishDefinition(inner);
        map.InnerMap = inner;
    }

    private uint FieldInt(BtfSpec btf, string mapName, BtfMember m)
    {
        if (btf.Resolve(m.TypeId) is not BtfPointer p) throw DefError(mapName, $"attribute '{m.Name}' must be declared with __uint() (a pointer to an array), got {btf.Resolve(m.TypeId)}");
        if (btf[p.TypeId] is not BtfArray a) throw DefError(mapName, $"attribute '{m.Name}' must point to an array, got {btf[p.TypeId]}");
        return a.Count;
    }

    /// <summary>__uint() or __ulong() (an anonymous one-value enum, for values beyond 32 bits).</summary>
    private ulong FieldLong(BtfSpec btf, string mapName, BtfMember m)
    {
        if (btf.Resolve(m.TypeId) is BtfPointer) return FieldInt(btf, mapName, m);
        if (btf.Resolve(m.TypeId) is not BtfEnum e || e.Values.Count != 1)
        {
            throw DefError(mapName, $"attribute '{m.Name}' must be declared with __uint() or __ulong(), got {btf.Resolve(m.TypeId)}");
        }

        var v = e.Values[0].Value;
        return e.Kind == BtfKind.Enum && !e.IsSigned ? (uint)v : (ulong)v;
    }

    private uint PointerTarget(BtfSpec btf, string mapName, BtfMember m, string what)
    {
        if (btf[m.TypeId] is not BtfPointer p) throw DefError(mapName, $"{what} must be declared with __type() (a pointer), got {btf[m.TypeId]}");
        return p.TypeId;
    }

    private uint TypeSize(BtfSpec btf, string mapName, uint typeId, string what)
    {
        try
        {
            long size = btf.SizeOf(typeId);
            if (size > uint.MaxValue) throw DefError(mapName, $"{what} type is too large ({size} bytes)");
            return (uint)size;
        }
        catch (BpfFormatException e)
        {
            throw DefError(mapName, $"can't determine {what} size for type [{typeId}]: {e.Detail}");
        }
    }

    private uint Conflict(string mapName, string what, uint existing, uint size)
    {
        if (existing != 0 && existing != size) throw DefError(mapName, $"conflicting {what} size {existing} != {size}");
        return size;
    }

    private BpfFormatException DefError(string mapName, string detail) => _ctx.Error(".maps", null, $"map '{mapName}': {detail}");

    private void FinishDefinition(BpfMap map)
    {
        if (map.Type is BpfMapType.ringbuf or BpfMapType.user_ringbuf)
        {
            map.MaxEntries = AdjustRingBufferSize(map.MaxEntries);
        }
    }

    /// <summary>Rounds a ring buffer size up to a power-of-2 number of pages, as libbpf does (0 stays 0 so the kernel reports it).</summary>
    public static uint AdjustRingBufferSize(uint size)
    {
        uint page = (uint)Environment.SystemPageSize;
        if (size == 0) return 0;
        if (size % page == 0 && uint.IsPow2(size / page)) return size;
        for (ulong mul = 1; mul <= uint.MaxValue / page; mul <<= 1)
        {
            if (mul * page > size) return (uint)(mul * page);
        }

        return size;
    }

    private void ReadDataMaps()
    {
        // in section order: CollectSections adds them as it walks the section table (no OrderBy: its int-keyed sorter
        // is JIT-compiled in every fresh process)
        foreach (var sec in _ctx.DataSections)
        {
            // The kernel caps array values far lower; this bound keeps a corrupt .bss size from allocating gigabytes.
            if (sec.Size > MaxDataSectionSize) throw _ctx.Error(sec.Name, null, $"data section of {sec.Size} bytes is larger than the {MaxDataSectionSize >> 20} MiB a global-data map can hold");
            var map = new BpfMap(_ctx.Object, InternalMapName(_ctx.Object.Name, sec.Name), BpfMapOrigin.Data)
            {
                Type = BpfMapType.array,
                KeySize = 4,
                ValueSize = (uint)sec.Size,
                MaxEntries = 1,
                SectionName = sec.Name,
                SectionIndex = sec.Index,
                InitialData = sec.Type == ElfSectionType.NoBits ? new byte[sec.Size] : sec.Data.ToArray(),
            };
            map.Flags = map.IsReadOnly ? BpfMapFlags.ReadOnlyProgram : 0;
            SetDataValueType(map, sec.Name);
            _ctx.Object.AddMap(map);
        }
    }

    private void ReadKconfigMap()
    {
        if (_ctx.KconfigSize == 0) return;
        var map = new BpfMap(_ctx.Object, InternalMapName(_ctx.Object.Name, ".kconfig"), BpfMapOrigin.Kconfig)
        {
            Type = BpfMapType.array,
            KeySize = 4,
            ValueSize = (uint)_ctx.KconfigSize,
            MaxEntries = 1,
            Flags = BpfMapFlags.ReadOnlyProgram,
            SectionName = ".kconfig",
            SectionIndex = _ctx.SymbolTable!.Index,
            InitialData = new byte[_ctx.KconfigSize],
        };
        SetDataValueType(map, ".kconfig");
        _ctx.Object.AddMap(map);
    }

    private void SetDataValueType(BpfMap map, string sectionName)
    {
        if (_ctx.Btf is not { } btf) return;
        // libbpf looks the section's name up among all types; only a DATASEC can be named like a section (".rodata" is
        // no C identifier), and the DATASECs' ids are known already, so this does not walk every type again
        if (btf.FindDatasec(sectionName) is not { } d) return; // e.g. .rodata.str1.1 has no DATASEC
        map.ValueTypeId = d.Id;
        foreach (var v in d.Variables)
        {
            if (btf[v.TypeId] is BtfVar { Linkage: not BtfLinkage.Static })
            {
                map.Flags |= BpfMapFlags.Mmapable;
                break;
            }
        }
    }

    private static uint U32(ReadOnlySpan<byte> s, int o) => BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);
}
