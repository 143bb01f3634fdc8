using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>
/// An AF_NETLINK NETLINK_ROUTE socket for tc requests. It talks to the network namespace it was opened in, whatever
/// thread later uses it. Requests wait for the kernel's ack; an error ack becomes a <see cref="BpfSyscallException"/>
/// carrying the kernel's extended-ack message where there is one.
/// </summary>
internal sealed unsafe partial class NetlinkSocket : IDisposable
{
    private const int SockRaw = 3, SockCloexec = 0x80000;
    private uint _seq = (uint)Environment.TickCount;

    private NetlinkSocket(BpfFd fd) => Fd = fd;

    /// <summary>One reply message of a request: its nlmsg_type and the bytes after the nlmsghdr.</summary>
    public delegate void Reply(ushort type, ReadOnlySpan<byte> payload);

    /// <summary>The socket (the tc attachment holds it, to detach in the same namespace).</summary>
    public BpfFd Fd { get; }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(int fd, byte* buf, nuint len, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, byte* buf, nuint len, int flags);

    public static NetlinkSocket Open()
    {
        int fd = Socket(Rtnetlink.AfNetlink, SockRaw | SockCloexec, Rtnetlink.NetlinkRoute);
        if (fd < 0) throw new BpfSyscallException(BpfSystemCall.Socket, "socket(AF_NETLINK, NETLINK_ROUTE)", Marshal.GetLastPInvokeError());
        var s = new NetlinkSocket(new BpfFd(fd));
        int one = 1;
        // both are best effort: without them errors lose the kernel's message, nothing else
        SetSockOpt(fd, Rtnetlink.SolNetlink, Rtnetlink.NetlinkExtAck, &one, sizeof(int));
        SetSockOpt(fd, Rtnetlink.SolNetlink, Rtnetlink.NetlinkCapAck, &one, sizeof(int));
        return s;
    }

    /// <summary>
    /// Sends a request and reads replies until its ack (or NLMSG_DONE for dumps). <paramref name="onMessage"/> sees
    /// every other message of this request: its type and payload after the nlmsghdr. Returns 0 or -errno from the ack.
    /// </summary>
    public int TryRequest(NetlinkMessage request, Reply? onMessage, out string? kernelMessage)
    {
        uint seq = ++_seq;
        var bytes = request.Finish(seq);
        kernelMessage = null;
        fixed (byte* p = bytes)
        {
            if (Send(Fd.Value, p, (nuint)bytes.Length, 0) < 0) throw new BpfSyscallException(BpfSystemCall.Netlink, "send on netlink socket", Marshal.GetLastPInvokeError());
        }

        var buf = new byte[65536];
        bool interrupted = false;
        while (true)
        {
            nint n;
            fixed (byte* p = buf) n = Recv(Fd.Value, p, (nuint)buf.Length, 0);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue;
                throw new BpfSyscallException(BpfSystemCall.Netlink, "recv on netlink socket", errno);
            }

            var data = buf.AsSpan(0, (int)n);
            while (data.Length >= Rtnetlink.NlmsgHdrLen)
            {
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(data);
                if (len < Rtnetlink.NlmsgHdrLen || len > data.Length) throw new InvalidDataException($"malformed netlink reply (message length {len} of {data.Length} bytes)");
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
                uint msgSeq = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
                var payload = data[Rtnetlink.NlmsgHdrLen..(int)len];
                data = data[Math.Min(data.Length, (int)((len + 3) & ~3u))..];
                if (msgSeq != seq) continue; // a late reply to an earlier request
                if ((flags & Rtnetlink.FlagDumpIntr) != 0) interrupted = true;
                if (type == Rtnetlink.NlmsgDone)
                {
                    // NLMSG_DONE carries the dump's own error; an interrupted dump may have missed entries (libbpf: -EINTR)
                    int error = payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                    return error < 0 ? error : interrupted ? -Errno.EINTR : 0;
                }

                if (type == Rtnetlink.NlmsgError) return Ack(payload, flags, out kernelMessage);
                onMessage?.Invoke(type, payload);
            }
        }
    }

    /// <summary>Like <see cref="TryRequest"/>, but an error ack throws, naming <paramref name="what"/>.</summary>
    public void Request(NetlinkMessage request, string what, Reply? onMessage = null)
    {
        int r = TryRequest(request, onMessage, out string? message);
        if (r < 0) throw new BpfSyscallException(BpfSystemCall.Netlink, what, -r, message);
    }

    /// <summary>struct nlmsgerr: error, the request's header (and body unless capped), then ext-ack TLVs.</summary>
    private static int Ack(ReadOnlySpan<byte> payload, ushort flags, out string? message)
    {
        message = null;
        if (payload.Length < 4 + Rtnetlink.NlmsgHdrLen) throw new InvalidDataException("malformed netlink error reply");
        int error = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if ((flags & Rtnetlink.FlagAckTlvs) == 0) return error;
        int tlvs = 4 + ((flags & Rtnetlink.FlagCapped) != 0 ? Rtnetlink.NlmsgHdrLen : (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]));
        var attrs = payload[Math.Min(payload.Length, tlvs)..];
        while (attrs.Length >= 4)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(attrs);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(attrs[2..]);
            if (len < 4 || len > attrs.Length) break;
            if (type == Rtnetlink.ErrAttrMsg) message = NativeText.CString(attrs[4..len]);
            attrs = attrs[Math.Min(attrs.Length, (len + 3) & ~3)..];
        }

        return error;
    }

    public void Dispose() => Fd.Dispose();
}
