using System.Net.Sockets;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A socket_filter program on one socket (setsockopt SO_ATTACH_BPF). Not a kernel link: this object holds a duplicate
/// of the socket's fd so that detaching (SO_DETACH_BPF) reaches the same socket whatever the caller does with its copy.
/// </summary>
public sealed class SocketFilterLink : BpfLink
{
    private SocketFilterLink(BpfProgram program, BpfFd socket, string what) : base(program, socket, what) { }

    /// <inheritdoc />
    public override string Kind => "socket_filter";
    private protected override bool IsKernelLink => false;

    /// <summary>Attaches a socket filter to <paramref name="socket"/> (SO_ATTACH_BPF); the caller keeps owning the socket.</summary>
    /// <exception cref="ArgumentException">The program is not a SocketFilter program (see <see cref="BpfAttachKinds.SocketFilter"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static SocketFilterLink Attach(BpfProgram program, Socket socket)
    {
        BpfAttachKinds.SocketFilter.Require(program);
        var fd = program.LoadedFd();
        string what = $"socket {socket.AddressFamily}/{socket.SocketType}";
        var dup = LibC.Duplicate((int)socket.Handle, what);
        try
        {
            LibC.AttachSocketFilter(dup.Value, fd, $"program '{program.Name}' on {what}");
            return new SocketFilterLink(program, dup, what);
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
        if (disposing && !Fd.IsClosed) LibC.DetachSocketFilter(Fd.Value); // the socket may live on after us
        base.Dispose(disposing);
    }
}
