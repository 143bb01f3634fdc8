using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Runs code on a thread of its own whose effective capabilities are empty (capabilities are per thread in Linux),
/// to see what an unprivileged caller gets; the rest of the process keeps its privileges.
/// </summary>
internal static unsafe partial class Capabilities
{
    private const uint Version3 = 0x20080522;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2);

    public static Exception? RunUnprivileged(Action action)
    {
        Exception? caught = null;
        var t = new Thread(() =>
        {
            long capget = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 125 : 90;
            long capset = capget + 1;
            uint* header = stackalloc uint[2];
            uint* data = stackalloc uint[6]; // two __user_cap_data_struct: effective, permitted, inheritable
            header[0] = Version3;
            header[1] = 0;
            if (Syscall(capget, (long)header, (long)data) != 0) throw new InvalidOperationException("capget failed");
            data[0] = 0; // effective, low 32 capabilities
            data[3] = 0; // effective, high 32 (CAP_BPF is 39, CAP_PERFMON 38)
            if (Syscall(capset, (long)header, (long)data) != 0) throw new InvalidOperationException("capset failed");
            try
            {
                action();
            }
            catch (Exception e)
            {
                caught = e;
            }

            // the thread ends here, and its reduced capabilities with it
        });
        t.Start();
        t.Join();
        return caught;
    }
}
