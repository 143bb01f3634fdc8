using System.Net.Sockets;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An sk_reuseport program on the SO_REUSEPORT group of a socket (setsockopt SO_ATTACH_REUSEPORT_EBPF): it picks the
/// socket of the group that each new connection or datagram goes to. Not a kernel link: this object holds a duplicate
/// of the socket's fd so that detaching (SO_DETACH_REUSEPORT_BPF) reaches the group whatever the caller does with its copy.
/// </summary>
public sealed class ReuseportLink : BpfLink
{
    private ReuseportLink(BpfProgram program, BpfFd socket, string what) : base(program, socket, what) { }

    /// <inheritdoc />
    public override string Kind => "sk_reuseport";
    private protected override bool IsKernelLink => false;

    /// <summary>
    /// Attaches an sk_reuseport program to the reuseport group of <paramref name="socket"/> (SO_ATTACH_REUSEPORT_EBPF);
    /// the socket must have SO_REUSEPORT set, and be bound or about to be. The caller keeps owning the socket.
    /// </summary>
    /// <exception cref="ArgumentException">The program is not an sk_reuseport program (see <see cref="BpfAttachKinds.Reuseport"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="BpfSyscallException">The socket refused (EINVAL: no SO_REUSEPORT group).</exception>
    public static ReuseportLink Attach(BpfProgram program, Socket socket)
    {
        BpfAttachKinds.Reuseport.Require(program);
        ArgumentNullException.ThrowIfNull(socket);
        var fd = program.LoadedFd();
        string what = $"reuseport group of socket {socket.AddressFamily}/{socket.SocketType}";
        var dup = LibC.Duplicate((int)socket.Handle, what);
        try
        {
            LibC.AttachReuseportProgram(dup.Value, fd, $"program '{program.Name}' on {what}");
            return new ReuseportLink(program, dup, what);
        }
        catch
        {
            dup.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !Fd.IsClosed) LibC.DetachReuseportProgram(Fd.Value); // the group lives on after us
        base.Dispose(disposing);
    }
}
