using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

internal static unsafe partial class LibC
{
    private const int AtEmptyPath = 0x1000; // AT_EMPTY_PATH: stat the fd itself
    private const uint StatxIno = 0x100;    // STATX_INO
    private const int StatxInoOffset = 32;  // struct statx: stx_ino (the same on every architecture, unlike struct stat)
    private const uint StatxType = 0x1, StatxSize = 0x200;      // STATX_TYPE, STATX_SIZE
    private const int StatxModeOffset = 28, StatxSizeOffset = 40; // struct statx: stx_mode (u16), stx_size (u64)
    private const int SIfmt = 0xf000, SIfreg = 0x8000, SIfdir = 0x4000;

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buf);

    /// <summary>
    /// The inode number of the file <paramref name="fd"/> is open on: a cgroup2 directory's is the cgroup id, a
    /// namespace file's the namespace's inode (what bpf_link_info reports as cgroup_id and netns_ino).
    /// </summary>
    internal static ulong Inode(BpfFd fd, string what)
    {
        byte* buf = stackalloc byte[256]; // sizeof(struct statx)
        if (Statx(fd.Value, string.Empty, AtEmptyPath, StatxIno, buf) != 0) throw new BpfSyscallException(BpfSystemCall.Statx, $"statx of {what}", Marshal.GetLastPInvokeError());
        return *(ulong*)(buf + StatxInoOffset); // host byte order, as the kernel wrote it
    }
}
