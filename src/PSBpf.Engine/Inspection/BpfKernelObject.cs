using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An open reference to a program or map already in the kernel (loaded by anyone), by id or by pinned path. Holding it
/// keeps the object alive; disposing it closes the fd only (nothing is unloaded if others hold the object).
/// </summary>
/// <typeparam name="TInfo">The info record read when opening.</typeparam>
public abstract class BpfKernelObject<TInfo> : IDisposable
    where TInfo : class
{
    private protected BpfKernelObject(BpfFd fd, Func<BpfFd, TInfo> readInfo)
    {
        Fd = fd;
        try
        {
            Info = readInfo(fd);
        }
        catch
        {
            fd.Dispose(); // the caller never sees this object, so nothing else would close the fd
            throw;
        }
    }

    /// <summary>The object's info as of opening.</summary>
    public TInfo Info { get; }
    internal BpfFd Fd { get; }

    /// <summary>Closes this reference.</summary>
    public void Dispose()
    {
        OnDispose();
        Fd.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Lets a subclass drop what it built on <see cref="Fd"/> before the fd closes.</summary>
    private protected virtual void OnDispose() { }

    /// <inheritdoc />
    public override string ToString() => Info.ToString() ?? string.Empty;

    /// <summary>BPF_OBJ_GET of a pin that must be of the <paramref name="expected"/> kind.</summary>
    private protected static BpfFd OpenPinnedFd(string path, BpfKernelObjectKind expected, string noun)
    {
        BpfFd fd;
        try
        {
            fd = Bpf.ObjGet(path);
        }
        catch (BpfSyscallException e) when (e.IsNotFound)
        {
            throw new BpfKernelObjectNotFoundException(expected, path);
        }

        var kind = BpfInspection.KindOf(fd);
        if (kind != expected)
        {
            fd.Dispose();
            throw new InvalidOperationException($"'{path}' is pinned {kind}, not {noun}");
        }

        return fd;
    }
}
