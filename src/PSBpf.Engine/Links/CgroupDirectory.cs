using PSBpf.Engine.Loader;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>Opens the cgroup v2 directory a cgroup program attaches to.</summary>
internal static class CgroupDirectory
{
    /// <summary>
    /// The directory's fd, after checking that it is on cgroup2: the kernel answers any other directory (a plain
    /// directory on the tmpfs of a hybrid host's /sys/fs/cgroup, a v1 hierarchy) with a bare EBADF.
    /// </summary>
    internal static BpfFd Open(string path)
    {
        var fd = LibC.OpenDirectory(path, "cgroup");
        try
        {
            if (LibC.FileSystemType(fd, $"cgroup {path}") != LibC.Cgroup2SuperMagic)
            {
                var mounts = BpfFs.Mounts().Where(m => m.FsType == "cgroup2").Select(m => m.MountPoint).Distinct(StringComparer.Ordinal).ToList();
                string where = mounts.Count == 0 ? "no cgroup2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup)" : $"cgroup2 is mounted at {string.Join(", ", mounts)}";
                throw new ArgumentException($"'{path}' is not a cgroup v2 directory: cgroup programs attach to a directory of the cgroup2 file system, and {where}", "CgroupPath");
            }

            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }
}
