using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Map pinning at load (libbpf's bpf_object__create_maps with pin_path): pin directories must be on bpffs, a map whose
/// pin exists reuses the pinned map when its definition matches, and a new map is pinned once created (or, when another
/// load pinned the path in between, replaced by that map).
/// </summary>
internal static class PinnedMaps
{
    /// <summary>Refuses a load whose pin directories are missing or not on a bpffs mount, before anything is created.</summary>
    public static void CheckDirectories(LoadPlan plan)
    {
        foreach (var dir in plan.Maps.Where(m => m.PinPath is not null).Select(m => Path.GetDirectoryName(m.PinPath!)!).Distinct())
        {
            if (!Directory.Exists(dir)) throw new BpfLoadException($"pin directory {dir}", "does not exist (create it on a bpffs mount, e.g. under /sys/fs/bpf)");
            if (!BpfFs.Contains(dir)) throw new BpfLoadException($"pin directory {dir}", "is not on a bpffs mount (mount -t bpf bpf /sys/fs/bpf); maps can only be pinned there");
        }
    }

    /// <summary>Takes the map pinned at the map's pin path when there is one; false when nothing is pinned there.</summary>
    /// <exception cref="BpfLoadException">The pinned map's definition differs (type, sizes, max_entries, flags).</exception>
    public static bool TryReuse(MapPlan map, Action<string>? log)
    {
        if (map.PinPath is not { } path || !File.Exists(path)) return false;
        var fd = Bpf.ObjGet(path);
        MapInfo info;
        try
        {
            info = Bpf.MapGetInfo(fd); // fails for a pin that is not a map
        }
        catch
        {
            fd.Dispose();
            throw;
        }

        var spec = map.Spec;
        var mismatch = new List<string>();
        if (info.type != (uint)spec.Type) mismatch.Add($"type {(BpfMapType)info.type} vs {spec.Type}");
        if (info.key_size != spec.KeySize) mismatch.Add($"key size {info.key_size} vs {spec.KeySize}");
        if (info.value_size != map.ValueSize) mismatch.Add($"value size {info.value_size} vs {map.ValueSize}");
        if (info.max_entries != map.MaxEntries) mismatch.Add($"max_entries {info.max_entries} vs {map.MaxEntries}");
        if (info.map_flags != map.Flags) mismatch.Add($"flags 0x{info.map_flags:x} vs 0x{map.Flags:x}");
        if (mismatch.Count > 0)
        {
            fd.Dispose();
            throw new BpfLoadException($"map '{spec.Name}'", $"the map pinned at {path} is not compatible: {string.Join(", ", mismatch)}; remove the pin or change the definition");
        }

        map.Fd = fd;
        map.Id = info.id;
        map.ReusedPin = true;
        log?.Invoke($"map '{spec.Name}' reuses the pin at {path} (id {info.id})");
        return true;
    }

    /// <summary>Pins a newly created map at its pin path, if it has one; the pin is the plan's until the load commits.</summary>
    public static void Pin(LoadPlan plan, MapPlan map)
    {
        if (map.PinPath is not { } path) return;
        try
        {
            Bpf.ObjPin(map.Fd!, path);
        }
        catch (BpfSyscallException e) when (e.Errno == Errno.EEXIST)
        {
            // Another load pinned the path after TryReuse looked (two loads of one object at once, e.g. from parallel
            // runspaces): take its map, as if it had been there first, and drop the one just created. libbpf fails here.
            var created = map.Fd;
            uint createdId = map.Id;
            map.Fd = null;
            bool reused;
            try
            {
                reused = TryReuse(map, plan.Log);
            }
            catch
            {
                map.Fd = created;
                map.Id = createdId;
                throw;
            }

            if (!reused)
            {
                map.Fd = created;
                map.Id = createdId;
                throw;
            }

            created?.Dispose();
            return;
        }

        plan.CreatedPins.Add(path);
        plan.Log?.Invoke($"map '{map.Name}' pinned at {path}");
    }
}
