using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>A program the kernel accepted in this load: its fd and what bpf_prog_info says about it.</summary>
internal sealed record LoadedProgram(BpfFd Fd, uint Id, string Tag, uint VerifiedInstructions, string? VerifierLog);
