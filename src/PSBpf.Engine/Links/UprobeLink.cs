using System.Globalization;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A kprobe-type program on a user-space function: a perf event from the uprobe PMU (path + file offset, optional pid),
/// then a BPF perf link on it, as libbpf's bpf_program__attach_uprobe_opts does on current kernels.
/// </summary>
public sealed class UprobeLink : PerfEventLink
{
    private UprobeLink(BpfProgram program, BpfFd perfEvent, BpfFd link, string path, string? symbol, ulong offset, bool retprobe, int? pid)
        : base(program, perfEvent, link, $"{(retprobe ? "uretprobe" : "uprobe")} {path}:{symbol ?? "0x" + offset.ToString("x", CultureInfo.InvariantCulture)}{(pid is null ? string.Empty : " pid " + pid.Value.ToString(CultureInfo.InvariantCulture))}")
    {
        BinaryPath = path;
        Symbol = symbol;
        FileOffset = offset;
        IsRetprobe = retprobe;
        ProcessId = pid;
    }

    /// <inheritdoc />
    public override string Kind => IsRetprobe ? "uretprobe" : "uprobe";
    /// <summary>The probed file.</summary>
    public string BinaryPath { get; }
    /// <summary>The probed function, when given by name.</summary>
    public string? Symbol { get; }
    /// <summary>File offset of the probe.</summary>
    public ulong FileOffset { get; }
    /// <summary>True for a return probe.</summary>
    public bool IsRetprobe { get; }
    /// <summary>The one process probed, or null for all.</summary>
    public int? ProcessId { get; }

    /// <summary>Attaches a uprobe (or uretprobe, <paramref name="retprobe"/>) program to <paramref name="binary"/> (a bare name is looked up in $PATH) at <paramref name="symbol"/> plus <paramref name="offset"/>, or at file offset <paramref name="offset"/> when <paramref name="symbol"/> is null; <paramref name="pid"/> null probes every process.</summary>
    /// <exception cref="ArgumentException">The program is not a Uprobe program (see <see cref="BpfAttachKinds.Uprobe"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static UprobeLink Attach(BpfProgram program, string binary, string? symbol, ulong offset, bool retprobe, int? pid)
    {
        BpfAttachKinds.Uprobe.Require(program);
        program.LoadedFd();
        string path = UprobeTarget.ResolvePath(binary);
        ulong fileOffset = symbol is null ? offset : UprobeTarget.SymbolOffset(path, symbol) + offset;
        string what = $"program '{program.Name}' on {(retprobe ? "uretprobe" : "uprobe")} {path}:{symbol ?? "0x" + fileOffset.ToString("x", CultureInfo.InvariantCulture)}";
        var ev = PerfProbe.Open("uprobe", path, fileOffset, retprobe, pid ?? -1, what);
        return new UprobeLink(program, ev, LinkTo(program, ev, what), path, symbol, fileOffset, retprobe, pid);
    }
}
