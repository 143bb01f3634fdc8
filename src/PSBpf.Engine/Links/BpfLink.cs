using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>An attachment of a program, held by a kernel link; disposing it detaches the program.</summary>
public abstract class BpfLink : IDisposable
{
    private uint? _id;

    private protected BpfLink(BpfProgram program, BpfFd fd, string target)
    {
        Program = program;
        Fd = fd;
        Target = target;
        program.Register(this);
    }

    /// <summary>The attached program.</summary>
    public BpfProgram Program { get; }
    /// <summary>The attached program's name (a plain value for tables and serialised copies).</summary>
    public string ProgramName => Program.Name;
    /// <summary>What it is attached to, e.g. "tracepoint syscalls/sys_enter_write".</summary>
    public string Target { get; }
    /// <summary>The attach kind, e.g. "tracepoint", "xdp", "cgroup", "uprobe".</summary>
    public abstract string Kind { get; }
    /// <summary>False once detached.</summary>
    public bool IsAttached => !Fd.IsClosed;
    /// <summary>The kernel link id (as in <c>bpftool link show</c>); null once detached, or for attachments that are not kernel links (socket filters).</summary>
    public uint? Id => IsAttached && IsKernelLink ? _id ??= Bpf.LinkId(Fd) : null;
    internal BpfFd Fd { get; }
    /// <summary>False where <see cref="Fd"/> is not a bpf link (a socket filter holds the socket).</summary>
    private protected virtual bool IsKernelLink => true;

    /// <summary>Detaches.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the link and anything it holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Fd.Dispose();
        Program.Unregister(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Program.Name} → {Target}";
}
