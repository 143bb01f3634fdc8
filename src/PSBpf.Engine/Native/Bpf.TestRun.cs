namespace PSBpf.Engine.Native;

/// <summary>BPF_PROG_TEST_RUN.</summary>
internal static unsafe partial class Bpf
{
    /// <summary>Runs <paramref name="prog"/> <paramref name="repeat"/> times over <paramref name="data"/> in the kernel; returns the program's last return value.</summary>
    public static uint ProgTestRun(BpfFd prog, ReadOnlySpan<byte> data, uint repeat, string what)
    {
        fixed (byte* d = data)
        {
            var attr = new ProgTestRunAttr { prog_fd = (uint)prog.Value, data_in = (ulong)d, data_size_in = (uint)data.Length, repeat = repeat };
            Call(BpfCommand.ProgTestRun, ref attr, $"BPF_PROG_TEST_RUN of {what}");
            return attr.retval;
        }
    }

    /// <summary>BPF_PROG_TEST_RUN with every buffer the caller filled in <paramref name="attr"/>; -errno on failure (ENOSPC still reports sizes).</summary>
    public static int TryProgTestRun(ref ProgTestRunAttr attr) => TryCall(BpfCommand.ProgTestRun, ref attr);

    /// <summary>The exception for a failed <see cref="TryProgTestRun"/>.</summary>
    public static BpfSyscallException ProgTestRunError(int errno, string operation) =>
        new(BpfCommand.ProgTestRun, operation, errno, Explain(BpfCommand.ProgTestRun, errno));
}
