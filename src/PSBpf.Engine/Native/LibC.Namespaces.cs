using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

internal static unsafe partial class LibC
{
    private const int CloneNewNet = 0x40000000; // CLONE_NEWNET

    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    /// <summary>
    /// setns(2) of the calling thread into a network namespace. Only for threads made for it: the thread stays there.
    /// </summary>
    internal static void EnterNetworkNamespace(BpfFd netns, string what)
    {
        if (SetNs(netns.Value, CloneNewNet) != 0) throw new BpfSyscallException(BpfSystemCall.SetNs, $"setns into {what}", Marshal.GetLastPInvokeError());
    }

    /// <summary>open(2) read-only of a namespace file (/proc/PID/ns/net, /run/netns/NAME).</summary>
    internal static BpfFd OpenNamespace(string path, string what)
    {
        int fd = Open(path, ORdOnly | OCloexec);
        return fd >= 0 ? new BpfFd(fd) : throw new BpfSyscallException(BpfSystemCall.OpenNamespace, $"open of {what} ({path})", Marshal.GetLastPInvokeError());
    }
}
