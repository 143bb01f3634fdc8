using System.Buffers.Binary;
using System.Text;

namespace PSBpf.Engine.Native;

/// <summary>
/// Builds one rtnetlink request: struct nlmsghdr, the family header (struct tcmsg for tc, struct rtmsg for routes),
/// then rtattrs (4-byte aligned, nests closed by <see cref="EndNest"/>). Host byte order throughout, as netlink is.
/// </summary>
internal sealed class NetlinkMessage
{
    private readonly List<byte> _bytes = [];
    private readonly Stack<int> _nests = new();

    /// <summary>A tc request: the header and a struct tcmsg.</summary>
    public NetlinkMessage(ushort type, ushort flags, int ifindex, uint handle, uint parent, uint info)
        : this(type, flags, Tcmsg(ifindex, handle, parent, info))
    {
    }

    private NetlinkMessage(ushort type, ushort flags, ReadOnlySpan<byte> familyHeader)
    {
        Span<byte> h = stackalloc byte[Rtnetlink.NlmsgHdrLen];
        h.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], type);   // nlmsg_type (length and seq are set in Finish)
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], flags);  // nlmsg_flags
        _bytes.AddRange(h.ToArray());
        _bytes.AddRange(familyHeader.ToArray());
    }

    /// <summary>A route request: the header and a struct rtmsg (main table, unicast, no source prefix, no flags).</summary>
    public static NetlinkMessage Route(ushort type, ushort flags, byte family, byte dstLen, byte protocol, byte scope)
    {
        // rtmsg: rtm_family, rtm_dst_len, rtm_src_len, rtm_tos, rtm_table, rtm_protocol, rtm_scope, rtm_type, rtm_flags
        Span<byte> rtmsg = stackalloc byte[Rtnetlink.RtmsgLen];
        rtmsg.Clear();
        rtmsg[0] = family;
        rtmsg[1] = dstLen;
        rtmsg[4] = Rtnetlink.RtTableMain;
        rtmsg[5] = protocol;
        rtmsg[6] = scope;
        rtmsg[7] = Rtnetlink.RtnUnicast;
        return new NetlinkMessage(type, flags, rtmsg);
    }

    /// <summary>A link request: the header and a struct ifinfomsg for <paramref name="ifindex"/> (0 in a dump: every link).</summary>
    public static NetlinkMessage Link(ushort type, ushort flags, int ifindex)
    {
        // ifinfomsg: ifi_family (AF_UNSPEC), pad, ifi_type, ifi_index, ifi_flags, ifi_change
        Span<byte> ifinfo = stackalloc byte[Rtnetlink.IfinfomsgLen];
        ifinfo.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(ifinfo[4..], ifindex);
        return new NetlinkMessage(type, flags, ifinfo);
    }

    /// <summary>ifi_index of a reply's struct ifinfomsg and the attributes after it; false when too short.</summary>
    public static bool ReadIfinfomsg(ReadOnlySpan<byte> payload, out int ifindex, out ReadOnlySpan<byte> attributes)
    {
        ifindex = 0;
        attributes = default;
        if (payload.Length < Rtnetlink.IfinfomsgLen) return false;
        ifindex = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        attributes = payload[Rtnetlink.IfinfomsgLen..];
        return true;
    }

    /// <summary>The attributes after a reply's struct tcmsg (empty when too short).</summary>
    public static ReadOnlySpan<byte> TcmsgAttributes(ReadOnlySpan<byte> payload) =>
        payload.Length < Rtnetlink.TcmsgLen ? default : payload[Rtnetlink.TcmsgLen..];

    private static byte[] Tcmsg(int ifindex, uint handle, uint parent, uint info)
    {
        // tcmsg: tcm_family (AF_UNSPEC), pads, tcm_ifindex, tcm_handle, tcm_parent, tcm_info
        var h = new byte[Rtnetlink.TcmsgLen];
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(4), ifindex);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), handle);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(12), parent);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), info);
        return h;
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

    public NetlinkMessage S32(ushort type, int value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(v, value);
        return Attr(type, v);
    }

    public NetlinkMessage U16(ushort type, ushort value)
    {
        Span<byte> v = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(v, value);
        return Attr(type, v);
    }

    public NetlinkMessage Bytes(ushort type, ReadOnlySpan<byte> value) => Attr(type, value);

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
