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
}
