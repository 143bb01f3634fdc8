using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>An attachment of a program, held by a kernel link; disposing it detaches the program.</summary>
public abstract class BpfLink : IDisposable
{
    private protected BpfLink(BpfProgram program, BpfFd fd, string target)
    {
        Program = program;
        Fd = fd;
        Target = target;
    }

    /// <summary>The attached program.</summary>
    public BpfProgram Program { get; }
    /// <summary>What it is attached to, e.g. "tracepoint syscalls/sys_enter_write".</summary>
    public string Target { get; }
    /// <summary>False once detached.</summary>
    public bool IsAttached => !Fd.IsClosed;
    internal BpfFd Fd { get; }

    /// <summary>Detaches.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the link and anything it holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Fd.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Program.Name} → {Target}";
}
