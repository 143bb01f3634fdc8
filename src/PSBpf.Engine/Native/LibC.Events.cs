using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>libc entry points of the event readers: epoll, eventfd, ioctl, sysconf.</summary>
internal static unsafe partial class LibC
{
    [LibraryImport(Lib, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport(Lib, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initval, int flags);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, void* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "sysconf", SetLastError = true)]
    internal static partial long Sysconf(int name);

    internal const int EpollCloexec = 0x80000;   // EPOLL_CLOEXEC (= O_CLOEXEC)
    internal const int EfdCloexec = 0x80000;     // EFD_CLOEXEC
    internal const int EfdNonblock = 0x800;      // EFD_NONBLOCK
    internal const int EpollCtlAdd = 1;          // EPOLL_CTL_ADD
    internal const uint EpollIn = 1;             // EPOLLIN
    internal const int ScPageSize = 30;          // _SC_PAGESIZE (glibc)
}
