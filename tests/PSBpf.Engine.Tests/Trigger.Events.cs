using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>Triggers and CPU pinning for the ring/perf buffer tests.</summary>
internal static unsafe partial class Trigger
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall0(long number);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetaffinity(int pid, nuint size, byte* mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetaffinity(int pid, nuint size, byte* mask);

    [LibraryImport("libc", EntryPoint = "sched_getcpu")]
    private static partial int SchedGetcpu();

    /// <summary>The getppid(2) syscall itself (the perfbuf fixture's tracepoint).</summary>
    public static void Getppid()
    {
        long nr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 110 : 173;
        Syscall0(nr);
    }

    /// <summary>Keeps the calling thread on the CPU it runs on until the result is disposed (one perf ring sees all its events).</summary>
    public static IDisposable PinToCurrentCpu()
    {
        const int Bytes = 128;
        var saved = new byte[Bytes];
        fixed (byte* s = saved)
        {
            if (SchedGetaffinity(0, Bytes, s) != 0) throw new InvalidOperationException($"sched_getaffinity: errno {Marshal.GetLastPInvokeError()}");
        }

        int cpu = SchedGetcpu();
        var mask = new byte[Bytes];
        mask[cpu / 8] = (byte)(1 << (cpu % 8));
        SetAffinity(mask);
        return new Restore(saved);
    }

    private static void SetAffinity(byte[] mask)
    {
        fixed (byte* m = mask)
        {
            if (SchedSetaffinity(0, (nuint)mask.Length, m) != 0) throw new InvalidOperationException($"sched_setaffinity: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private sealed class Restore(byte[] saved) : IDisposable
    {
        public void Dispose() => SetAffinity(saved);
    }
}
