using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// What a program's load names as its attach target: a BTF type id, and for a target inside another BPF program
/// (freplace) that program's fd (attach_prog_fd). Disposing closes the fd where the resolution opened it by id.
/// </summary>
internal readonly record struct ResolvedAttachTarget(uint BtfId, BpfFd? ProgramFd, bool OwnsProgramFd) : IDisposable
{
    public static ResolvedAttachTarget None => default;

    public void Dispose()
    {
        if (OwnsProgramFd) ProgramFd?.Dispose();
    }
}
