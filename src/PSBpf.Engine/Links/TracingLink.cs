using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A BTF-attached program (tp_btf, fentry/fexit/fmod_ret, lsm) linked to the attach point it was loaded for. The kernel
/// already knows the target from the load (attach_btf_id), so BPF_RAW_TRACEPOINT_OPEN takes no name, as libbpf's
/// bpf_program__attach_trace does on kernels of any age.
/// </summary>
public sealed class TracingLink : BpfLink
{
    private TracingLink(BpfProgram program, BpfFd link, string target) : base(program, link, target) { }

    /// <inheritdoc />
    public override string Kind => Program?.Type == BpfProgramType.lsm ? "lsm" : "tracing";

    /// <summary>Attaches a tp_btf, fentry, fexit, fmod_ret or lsm program to the target fixed at load (BPF_LINK_CREATE).</summary>
    /// <exception cref="ArgumentException">The program is not a Tracing program (see <see cref="BpfAttachKinds.Tracing"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static TracingLink Attach(BpfProgram program)
    {
        BpfAttachKinds.Tracing.Require(program);
        var fd = program.LoadedFd();
        string target = $"{program.ExpectedAttachType?.ToString() ?? program.Type.ToString()} {program.AttachTarget}";
        return new TracingLink(program, Bpf.RawTracepointOpen(fd, null, $"program '{program.Name}' ({target})"), target);
    }
}
