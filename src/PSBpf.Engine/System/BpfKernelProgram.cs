using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An open reference to a program already in the kernel (loaded by anyone), by id or by pinned path. Holding it keeps
/// the program alive; disposing it closes the fd only (nothing is unloaded if others hold the program).
/// </summary>
public sealed class BpfKernelProgram : IDisposable
{
    private BpfKernelProgram(BpfFd fd)
    {
        Fd = fd;
        try
        {
            Info = KernelInfoReader.Program(fd, InspectionContext.None);
        }
        catch
        {
            fd.Dispose(); // the caller never sees this object, so nothing else would close the fd
            throw;
        }
    }

    /// <summary>The program's info as of opening.</summary>
    public BpfProgramInfo Info { get; }
    internal BpfFd Fd { get; }

    /// <summary>Opens the program with kernel id <paramref name="id"/> (BPF_PROG_GET_FD_BY_ID).</summary>
    /// <exception cref="KeyNotFoundException">No program has that id.</exception>
    public static BpfKernelProgram Open(uint id) =>
        new(Bpf.GetFdById(BpfCommand.ProgGetFdById, id) ?? throw new KeyNotFoundException($"no BPF program has id {id}"));

    /// <summary>Opens the program pinned at <paramref name="path"/> on a bpffs (BPF_OBJ_GET).</summary>
    /// <exception cref="InvalidOperationException">The pin is not a program.</exception>
    public static BpfKernelProgram OpenPinned(string path)
    {
        var fd = Bpf.ObjGet(path);
        if (BpfInspection.KindOf(fd) != BpfKernelObjectKind.Program)
        {
            var kind = BpfInspection.KindOf(fd);
            fd.Dispose();
            throw new InvalidOperationException($"'{path}' is pinned {kind}, not a program");
        }

        return new BpfKernelProgram(fd);
    }

    /// <summary>Closes this reference.</summary>
    public void Dispose() => Fd.Dispose();

    /// <inheritdoc />
    public override string ToString() => Info.ToString();
}
