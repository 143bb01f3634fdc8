using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>A raw tracepoint program (SEC("raw_tp/&lt;name&gt;")) attached with BPF_RAW_TRACEPOINT_OPEN by tracepoint name.</summary>
public sealed class RawTracepointLink : BpfLink
{
    private RawTracepointLink(BpfProgram program, BpfFd link, string name)
        : base(program, link, $"raw_tracepoint {name}") => Name = name;

    /// <inheritdoc />
    public override string Kind => "raw_tracepoint";
    /// <summary>Tracepoint name (e.g. "sys_enter").</summary>
    public string Name { get; }

    /// <summary>Attaches a raw_tp program to raw tracepoint <paramref name="name"/> (BPF_RAW_TRACEPOINT_OPEN).</summary>
    /// <exception cref="ArgumentException">The program is not a RawTracepoint program (see <see cref="BpfAttachKinds.RawTracepoint"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static RawTracepointLink Attach(BpfProgram program, string name)
    {
        BpfAttachKinds.RawTracepoint.Require(program);
        var fd = program.LoadedFd();
        return new RawTracepointLink(program, Bpf.RawTracepointOpen(fd, name, $"program '{program.Name}' on raw tracepoint {name}"), name);
    }
}
