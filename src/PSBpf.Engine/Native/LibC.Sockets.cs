using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

internal static unsafe partial class LibC
{
    private const int SolSocket = 1;
    private const int SoAttachBpf = 50; // SO_ATTACH_BPF: value is the program fd
    private const int SoDetachBpf = 27; // SO_DETACH_BPF == SO_DETACH_FILTER
    private const int SoAttachReuseportEbpf = 52; // SO_ATTACH_REUSEPORT_EBPF: value is the program fd
    private const int SoDetachReuseportBpf = 68; // SO_DETACH_REUSEPORT_BPF

    [LibraryImport(Lib, EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Lib, EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint IfNameToIndex(string name);

    /// <summary>setsockopt(SOL_SOCKET, SO_ATTACH_BPF, prog_fd).</summary>
    internal static void AttachSocketFilter(int socket, BpfFd prog, string what) => SetProgram(socket, SoAttachBpf, "SO_ATTACH_BPF", prog, what);

    /// <summary>setsockopt(SOL_SOCKET, SO_DETACH_BPF); false when nothing was attached (ENOENT) or the socket is gone.</summary>
    internal static bool DetachSocketFilter(int socket) => ClearOption(socket, SoDetachBpf);

    /// <summary>setsockopt(SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, prog_fd): the program selects for the socket's whole reuseport group.</summary>
    internal static void AttachReuseportProgram(int socket, BpfFd prog, string what) => SetProgram(socket, SoAttachReuseportEbpf, "SO_ATTACH_REUSEPORT_EBPF", prog, what);

    /// <summary>setsockopt(SOL_SOCKET, SO_DETACH_REUSEPORT_BPF); false when nothing was attached (ENOENT) or the socket is gone.</summary>
    internal static bool DetachReuseportProgram(int socket) => ClearOption(socket, SoDetachReuseportBpf);

    private static void SetProgram(int socket, int option, string optionName, BpfFd prog, string what)
    {
        int value = prog.Value;
        if (SetSockOpt(socket, SolSocket, option, &value, sizeof(int)) != 0)
        {
            throw new BpfSyscallException(BpfSystemCall.SetSockOpt, $"setsockopt({optionName}) for {what}", Marshal.GetLastPInvokeError());
        }
    }

    private static bool ClearOption(int socket, int option)
    {
        int value = 0;
        return SetSockOpt(socket, SolSocket, option, &value, sizeof(int)) == 0;
    }

    /// <summary>
    /// if_nametoindex(3): the index of an interface in this network namespace, or 0 when there is none (also for a name
    /// holding a NUL, which as a C string would name another interface: "lo\0x" is "lo").
    /// </summary>
    internal static uint InterfaceIndex(string name) => name.Contains('\0') ? 0 : IfNameToIndex(name);
}
