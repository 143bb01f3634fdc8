using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>An open reference to a program already in the kernel, by id or by pinned path.</summary>
public sealed class BpfKernelProgram : BpfKernelObject<BpfProgramInfo>
{
    private BpfKernelProgram(BpfFd fd) : base(fd, f => KernelInfoReader.Program(f, InspectionContext.None)) { }

    /// <summary>Opens the program with kernel id <paramref name="id"/> (BPF_PROG_GET_FD_BY_ID).</summary>
    /// <exception cref="BpfKernelObjectNotFoundException">No program has that id.</exception>
    public static BpfKernelProgram Open(uint id) =>
        new(Bpf.GetFdById(BpfCommand.ProgGetFdById, id) ?? throw new BpfKernelObjectNotFoundException(BpfKernelObjectKind.Program, id));

    /// <summary>Opens the program pinned at <paramref name="path"/> on a bpffs (BPF_OBJ_GET).</summary>
    /// <exception cref="InvalidOperationException">The pin is not a program.</exception>
    public static BpfKernelProgram OpenPinned(string path) => new(OpenPinnedFd(path, BpfKernelObjectKind.Program, "a program"));
}
