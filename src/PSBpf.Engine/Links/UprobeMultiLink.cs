using System.Text;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An uprobe.multi (or uretprobe.multi) program on many functions of one binary through one BPF link
/// (BPF_TRACE_UPROBE_MULTI, kernel 6.6+; libbpf's bpf_program__attach_uprobe_multi), for every process or one.
/// </summary>
public sealed class UprobeMultiLink : BpfLink
{
    private UprobeMultiLink(BpfProgram program, BpfFd link, string path, string pattern, IReadOnlyList<string> functions, bool retprobe, int? pid)
        : base(program, link, $"{(retprobe ? "uretprobe.multi" : "uprobe.multi")} {path}:{pattern} ({functions.Count} functions){(pid is { } p ? $" pid {p}" : string.Empty)}")
    {
        BinaryPath = path;
        Pattern = pattern;
        Functions = functions;
        IsRetprobe = retprobe;
        ProcessId = pid;
    }

    /// <inheritdoc />
    public override string Kind => IsRetprobe ? "uretprobe.multi" : "uprobe.multi";
    /// <summary>The probed binary, as resolved.</summary>
    public string BinaryPath { get; }
    /// <summary>The function pattern as given.</summary>
    public string Pattern { get; }
    /// <summary>The functions probed.</summary>
    public IReadOnlyList<string> Functions { get; }
    /// <summary>True for return probes.</summary>
    public bool IsRetprobe { get; }
    /// <summary>The only process that triggers the probes, or null for every process.</summary>
    public int? ProcessId { get; }

    /// <summary>
    /// Attaches an uprobe.multi program to every function of <paramref name="binary"/> (a path, or a name found as
    /// libbpf finds it) matching <paramref name="pattern"/> ('*' and '?' wildcards; a plain name is one function).
    /// </summary>
    /// <exception cref="ArgumentException">The program is not an UprobeMulti program (see <see cref="BpfAttachKinds.UprobeMulti"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="FileNotFoundException">The binary does not exist.</exception>
    /// <exception cref="KeyNotFoundException">No function of the binary matches the pattern.</exception>
    public static unsafe UprobeMultiLink Attach(BpfProgram program, string binary, string pattern, bool retprobe, int? pid)
    {
        BpfAttachKinds.UprobeMulti.Require(program);
        ArgumentException.ThrowIfNullOrEmpty(binary);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var fd = program.LoadedFd();
        string path = UprobeTarget.ResolvePath(binary);
        string what = $"program '{program.Name}' on {(retprobe ? "uretprobe.multi" : "uprobe.multi")} {path}:{pattern}";
        var found = UprobeTarget.SymbolOffsets(path, pattern);
        if (found.Count == 0) throw new KeyNotFoundException($"{what}: no function of {path} matches '{pattern}'");

        var offsets = found.Select(f => f.Offset).ToArray();
        var pathBytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = pathBytes)
        fixed (ulong* o = offsets)
        {
            var attr = MultiProbeLinkAttr.Uprobe(fd, (ulong)p, (ulong)o, (uint)offsets.Length, retprobe, (uint)(pid ?? 0));
            var link = Bpf.LinkCreate(ref attr, what);
            return new UprobeMultiLink(program, link, path, pattern, found.Select(f => f.Name).ToList(), retprobe, pid);
        }
    }
}
