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

    /// <summary>Runs the program in the kernel on the given packet and context (BPF_PROG_TEST_RUN), as <see cref="BpfProgram.Run"/> does.</summary>
    /// <remarks>A syscall program's context goes in and comes back as bytes: the kernel keeps no object BTF to read its type from here.</remarks>
    public BpfRunResult Run(BpfRunOptions options, Btf.BtfValueFactory? factory = null) =>
        BpfProgramRunner.Run(new(Fd, Info.Id, Info.Name, Info.Type, null), options, factory);
}
