using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

internal static unsafe partial class LibC
{
    private const int ORdOnly = 0, OCloexec = 0x80000;
    // O_DIRECTORY is one of the few open flags whose value differs between architectures (asm-generic vs x86)
    private static readonly int ODirectory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;
    private const int FDupfdCloexec = 1030;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd, int arg);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "fstatfs", SetLastError = true)]
    private static partial int Fstatfs(int fd, byte* buf);

    [LibraryImport(Lib, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statfs(string path, byte* buf);

    /// <summary>BPF_FS_MAGIC (linux/magic.h): the f_type of a bpf file system.</summary>
    internal const long BpfFsMagic = 0xcafe4a11;

    /// <summary>
    /// statfs(2)'s f_type for <paramref name="path"/>, which follows every symbolic link and "..", as the kernel does when
    /// it pins there; null when the path cannot be looked up.
    /// </summary>
    internal static long? PathFileSystemType(string path)
    {
        byte* buf = stackalloc byte[256];
        return Statfs(path, buf) == 0 ? *(long*)buf : null;
    }

    /// <summary>CGROUP2_SUPER_MAGIC (linux/magic.h): the f_type of a cgroup v2 file system.</summary>
    internal const long Cgroup2SuperMagic = 0x63677270;

    /// <summary>
    /// fstatfs(2)'s f_type of the file system <paramref name="fd"/> lies on. f_type is the first field of struct statfs
    /// (a long) on every 64-bit Linux ABI; the buffer is larger than the whole struct.
    /// </summary>
    internal static long FileSystemType(BpfFd fd, string what)
    {
        byte* buf = stackalloc byte[256];
        if (Fstatfs(fd.Value, buf) != 0) throw new BpfSyscallException(BpfSystemCall.Fstatfs, $"fstatfs of {what}", Marshal.GetLastPInvokeError());
        return *(long*)buf;
    }

    /// <summary>open(2) of a directory, read-only (cgroup links take the cgroup directory's fd as target_fd).</summary>
    internal static BpfFd OpenDirectory(string path, string what)
    {
        int fd = Open(path, ORdOnly | ODirectory | OCloexec);
        return fd >= 0 ? new BpfFd(fd) : throw new BpfSyscallException(BpfSystemCall.Open, $"open of {what} ({path})", Marshal.GetLastPInvokeError());
    }

    /// <summary>F_DUPFD_CLOEXEC: an owned duplicate of an fd someone else owns, so it stays valid as long as we need it.</summary>
    internal static BpfFd Duplicate(int fd, string what)
    {
        int dup = Fcntl(fd, FDupfdCloexec, 0);
        return dup >= 0 ? new BpfFd(dup) : throw new BpfSyscallException(BpfSystemCall.Dup, $"dup of {what}", Marshal.GetLastPInvokeError());
    }

    /// <summary>Reads an fd to end of file (iterator seq_files return 0 once the walk is done).</summary>
    internal static byte[] ReadToEnd(BpfFd fd, string what)
    {
        using var ms = new MemoryStream();
        var buf = new byte[16384];
        while (true)
        {
            nint n;
            fixed (byte* p = buf) n = Read(fd.Value, p, (nuint)buf.Length);
            if (n == 0) return ms.ToArray();
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR || errno == Errno.EAGAIN) continue;
                throw new BpfSyscallException(BpfSystemCall.Read, $"read of {what}", errno);
            }

            ms.Write(buf, 0, (int)n);
        }
    }
}
