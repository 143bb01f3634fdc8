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

    [LibraryImport(Lib, EntryPoint = "pread", SetLastError = true)]
    private static partial nint Pread(int fd, byte* buf, nuint count, long offset);

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
        NativeText.RejectNul(path);
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
        NativeText.RejectNul(path);
        int fd = Open(path, ORdOnly | ODirectory | OCloexec);
        return fd >= 0 ? new BpfFd(fd) : throw new BpfSyscallException(BpfSystemCall.Open, $"open of {what} ({path})", Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// open(2) of a file to read, and its size from statx(2): 0 for what is not a regular file (procfs and devices
    /// report none). Two system calls: .NET's File.OpenHandle adds two fstat calls and an flock pair, a tenth of a warm
    /// BPF object open. A failure (or a directory) is reported by File.OpenHandle itself, so callers see the exceptions
    /// .NET's file API throws for the same path: FileNotFoundException, DirectoryNotFoundException,
    /// UnauthorizedAccessException; a NUL in the path is an ArgumentException, as there.
    /// </summary>
    internal static BpfFd OpenToRead(string path, out long length)
    {
        NativeText.RejectNul(path);
        int fd = Open(path, ORdOnly | OCloexec);
        int errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (fd >= 0)
        {
            var handle = new BpfFd(fd);
            byte* buf = stackalloc byte[256]; // sizeof(struct statx)
            int type = Statx(fd, string.Empty, AtEmptyPath, StatxType | StatxSize, buf) == 0 ? *(ushort*)(buf + StatxModeOffset) & SIfmt : SIfdir;
            if (type != SIfdir)
            {
                length = type == SIfreg ? *(long*)(buf + StatxSizeOffset) : 0;
                return handle;
            }

            errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
        }

        using (File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
        }

        throw new IOException($"cannot open '{path}' to read: {Errno.Name(errno)}");
    }

    /// <summary>pread(2) until it returns (EINTR retried): the count read, fewer than asked only at the end of the file.</summary>
    internal static int ReadAt(BpfFd fd, Span<byte> destination, long offset, string path)
    {
        fixed (byte* p = destination)
        {
            while (true)
            {
                nint n = Pread(fd.Value, p, (nuint)destination.Length, offset);
                if (n >= 0)
                {
                    return (int)n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    throw new IOException($"read of '{path}' at offset 0x{offset:x} failed: {Errno.Name(errno)}");
                }
            }
        }
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
