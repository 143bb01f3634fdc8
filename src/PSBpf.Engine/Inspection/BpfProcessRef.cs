namespace PSBpf.Engine;

/// <summary>A process holding a file descriptor of a BPF program, map or link (bpftool's "pids" output).</summary>
/// <param name="Pid">The process id.</param>
/// <param name="Command">The process name (comm).</param>
public sealed record BpfProcessRef(int Pid, string Command)
{
    /// <summary>"comm(pid)", as bpftool prints it.</summary>
    public override string ToString() => $"{Command}({Pid})";
}
