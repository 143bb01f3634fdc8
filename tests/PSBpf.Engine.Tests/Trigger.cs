using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>Makes this process hit the tracepoints the fixtures attach to.</summary>
internal static unsafe partial class Trigger
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall3(long number, long a1, long a2, long a3);

    /// <summary>A write(2) syscall from this process (.NET's file APIs may use pwrite64 instead).</summary>
    public static void Write()
    {
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        long nr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 64;
        byte* buf = stackalloc byte[1];
        Syscall3(nr, devNull.DangerousGetHandle(), (long)buf, 1);
    }

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
