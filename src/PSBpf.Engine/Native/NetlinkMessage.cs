using System.Buffers.Binary;
using System.Text;

namespace PSBpf.Engine.Native;

/// <summary>
/// Builds one rtnetlink tc request: struct nlmsghdr, struct tcmsg, then rtattrs (4-byte aligned, nests closed by
/// <see cref="EndNest"/>). Host byte order throughout, as netlink is.
/// </summary>
internal sealed class NetlinkMessage
{
    private readonly List<byte> _bytes = [];
    private readonly Stack<int> _nests = new();

    public NetlinkMessage(ushort type, ushort flags, int ifindex, uint handle, uint parent, uint info)
    {
        Span<byte> h = stackalloc byte[Rtnetlink.NlmsgHdrLen + Rtnetlink.TcmsgLen];
        h.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], type);   // nlmsg_type (length and seq are set in Finish)
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], flags);  // nlmsg_flags
        // tcmsg: tcm_family (AF_UNSPEC), pads, tcm_ifindex, tcm_handle, tcm_parent, tcm_info
        BinaryPrimitives.WriteInt32LittleEndian(h[20..], ifindex);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], handle);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], parent);
        BinaryPrimitives.WriteUInt32LittleEndian(h[32..], info);
        _bytes.AddRange(h.ToArray());
    }

    /// <summary>tcm_handle and tcm_info of a reply's struct tcmsg (the bytes after its nlmsghdr); false when too short.</summary>
    public static bool ReadTcmsg(ReadOnlySpan<byte> payload, out uint handle, out uint info)
    {
        handle = info = 0;
        if (payload.Length < Rtnetlink.TcmsgLen) return false;
        handle = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        info = BinaryPrimitives.ReadUInt32LittleEndian(payload[16..]);
        return true;
    }

    public NetlinkMessage U32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(v, value);
        return Attr(type, v);
    }

    public NetlinkMessage String(ushort type, string value) => Attr(type, Encoding.UTF8.GetBytes(value + "\0"));

    public NetlinkMessage BeginNest(ushort type)
    {
        _nests.Push(_bytes.Count);
        return Attr((ushort)(type | Rtnetlink.NlaFNested), []);
    }

    public NetlinkMessage EndNest()
    {
        int start = _nests.Pop();
        SetU16(start, (ushort)(_bytes.Count - start)); // rta_len covers the nested attributes
        return this;
    }

    /// <summary>The request bytes, with nlmsg_len and nlmsg_seq filled in.</summary>
    public byte[] Finish(uint seq)
    {
        var b = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)b.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), seq);
        return b;
    }

    private NetlinkMessage Attr(ushort type, ReadOnlySpan<byte> payload)
    {
        int start = _bytes.Count;
        _bytes.AddRange(new byte[4]);
        SetU16(start, (ushort)(4 + payload.Length));
        SetU16(start + 2, type);
        _bytes.AddRange(payload.ToArray());
        while (_bytes.Count % 4 != 0) _bytes.Add(0);
        return this;
    }

    private void SetU16(int at, ushort v)
    {
        _bytes[at] = (byte)v;
        _bytes[at + 1] = (byte)(v >> 8);
    }
}
