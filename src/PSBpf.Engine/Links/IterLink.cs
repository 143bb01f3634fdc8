using System.Text;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A BPF iterator (SEC("iter/&lt;target&gt;")) linked with BPF_LINK_CREATE (trace_iter); each <see cref="Read"/> opens
/// a new iterator instance (BPF_ITER_CREATE) and returns everything the program printed for one walk.
/// </summary>
public sealed class IterLink : BpfLink
{
    private IterLink(BpfProgram program, BpfFd link, string target) : base(program, link, $"iter {target}") => IterTarget = target;

    /// <inheritdoc />
    public override string Kind => "iter";
    /// <summary>What is iterated (e.g. "task").</summary>
    public string IterTarget { get; }

    /// <summary>Runs the iterator once and returns its output as text.</summary>
    public string Read()
    {
        ObjectDisposedException.ThrowIf(!IsAttached, this);
        using var iter = Bpf.IterCreate(Fd, $"iterator '{ProgramName}'");
        return Encoding.UTF8.GetString(LibC.ReadToEnd(iter, $"iterator '{ProgramName}'"));
    }

    /// <summary>Creates the iterator link of an iter program (its target was fixed at load); read it with <see cref="Read"/>.</summary>
    /// <exception cref="ArgumentException">The program is not a Iterator program (see <see cref="BpfAttachKinds.Iterator"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static IterLink Attach(BpfProgram program)
    {
        BpfAttachKinds.Iterator.Require(program);
        var fd = program.LoadedFd();
        var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, attach_type = (uint)BpfAttachType.trace_iter };
        string target = program.AttachTarget ?? "?";
        return new IterLink(program, Bpf.LinkCreate(ref attr, $"program '{program.Name}' (iter/{target})"), target);
    }
}
