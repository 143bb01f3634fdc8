using PSBpf.Engine.Loader;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Checks for new pin paths and the removal of pins that must still hold the object they were made for.</summary>
internal static class BpfPinPath
{
    /// <summary>The full path for a new pin: its directory exists on bpffs and nothing is there yet (libbpf's check_path, plus EEXIST up front).</summary>
    public static string ValidateNew(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? "/";
        if (!Directory.Exists(dir)) throw new BpfPinException(full, BpfPinFailure.DirectoryMissing, $"directory {dir} does not exist (create it on a bpffs mount, e.g. under /sys/fs/bpf)");
        if (!BpfFs.Contains(dir)) throw new BpfPinException(full, BpfPinFailure.NotOnBpffs, $"{dir} is not on a bpffs mount (mount -t bpf bpf /sys/fs/bpf); objects can only be pinned there");
        if (Path.Exists(full)) throw new BpfPinException(full, BpfPinFailure.AlreadyExists, "the path already exists");
        return full;
    }

    /// <summary>BPF_OBJ_PIN at a checked path; a pin appearing between the check and the call is reported as AlreadyExists too.</summary>
    public static void Pin(BpfFd fd, string full)
    {
        try
        {
            Bpf.ObjPin(fd, full);
        }
        catch (BpfSyscallException e) when (e.Errno == Errno.EEXIST)
        {
            throw new BpfPinException(full, BpfPinFailure.AlreadyExists, "the path already exists", e);
        }
    }

    /// <summary>
    /// Opens a pin (BPF_OBJ_GET); null when nothing BPF is pinned there (ENOENT). The caller owns the fd.
    /// </summary>
    public static BpfFd? TryOpen(string full)
    {
        try
        {
            return Bpf.ObjGet(full);
        }
        catch (BpfSyscallException e) when (e.Errno == Errno.ENOENT)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the pin at <paramref name="full"/> only while it still holds the object with <paramref name="id"/> of
    /// <paramref name="kind"/>: a pin someone replaced since is left alone. True when it was removed.
    /// </summary>
    public static bool RemoveIfHolds(string full, BpfKernelObjectKind kind, uint id)
    {
        using (var fd = TryOpen(full))
        {
            if (fd is null || BpfInspection.KindOf(fd) != kind || IdOf(fd, kind) != id) return false;
        }

        File.Delete(full);
        return true;
    }

    private static uint IdOf(BpfFd fd, BpfKernelObjectKind kind)
    {
        switch (kind)
        {
            case BpfKernelObjectKind.Map:
                return Bpf.MapGetInfo(fd).id;
            case BpfKernelObjectKind.Program:
                return Bpf.ProgGetInfo(fd).id;
            case BpfKernelObjectKind.Link:
                return Bpf.LinkId(fd);
            default:
                return 0;
        }
    }
}
