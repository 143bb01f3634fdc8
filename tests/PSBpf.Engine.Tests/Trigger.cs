using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>Makes this process hit the tracepoints the fixtures attach to.</summary>
internal static unsafe partial class Trigger
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2);

    /// <summary>The nanosleep(2) syscall itself: glibc's nanosleep() and .NET's Thread.Sleep use clock_nanosleep instead.</summary>
    public static void Nanosleep()
    {
        long nr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 35 : 101;
        long* ts = stackalloc long[2];
        ts[0] = 0;
        ts[1] = 1000;
        Syscall(nr, (long)ts, 0);
    }
}
