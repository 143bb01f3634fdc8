using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>The kernel id of the calling thread, which the events_flood fixture filters on.</summary>
internal static partial class EventsFloodThread
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall0(long number);

    /// <summary>gettid(2): the value bpf_get_current_pid_tgid() has in its low 32 bits for this thread.</summary>
    public static int Gettid()
    {
        long nr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 186 : 178;
        long tid = Syscall0(nr);
        if (tid <= 0) throw new InvalidOperationException($"gettid: errno {Marshal.GetLastPInvokeError()}");
        return (int)tid;
    }
}
