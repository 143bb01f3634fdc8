using System.Buffers.Binary;

namespace PSBpf.Engine.Tests;

/// <summary>Ethernet/IPv4/UDP (and IPv6/SRv6) frames built byte by byte, for programs run on crafted packets.</summary>
internal static class TestPackets
{
    public static readonly byte[] Destination = [0x02, 0, 0, 0, 0, 0xbb];
    public static readonly byte[] Source = [0x02, 0, 0, 0, 0, 0xaa];

    /// <summary>A UDP datagram from 10.0.0.1:12345 to 10.0.0.2:<paramref name="port"/> with <paramref name="payload"/> bytes of payload.</summary>
    public static byte[] Udp(ushort port, int payload = 39)
    {
        var f = new byte[14 + 20 + 8 + payload];
        Destination.CopyTo(f, 0);
        Source.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        var ip = f.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + payload));
        ip[8] = 64;
        ip[9] = 17;
        byte[] src = [10, 0, 0, 1], dst = [10, 0, 0, 2];
        src.CopyTo(ip[12..]);
        dst.CopyTo(ip[16..]);
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 12345);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload));
        for (int i = 0; i < payload; i++) udp[8 + i] = (byte)('a' + (i % 26));
        return f;
    }

    /// <summary>
    /// An IPv6 UDP datagram with a segment routing header (type 4): two segments, <paramref name="active"/> the one to
    /// visit now (segments left 1, the destination address) and <paramref name="last"/> after it.
    /// </summary>
    public static byte[] Srv6(ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, System.Net.IPAddress source, System.Net.IPAddress active, System.Net.IPAddress last, int payload = 16)
    {
        const int srh = 8 + 2 * 16;
        var f = new byte[14 + 40 + srh + 8 + payload];
        dstMac.CopyTo(f);
        srcMac.CopyTo(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x86dd);
        var ip = f.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(srh + 8 + payload));
        ip[6] = 43; // next header: routing
        ip[7] = 64;
        source.GetAddressBytes().CopyTo(ip[8..]);
        active.GetAddressBytes().CopyTo(ip[24..]);
        var rh = ip[40..];
        rh[0] = 17;                 // next header: UDP
        rh[1] = (srh / 8) - 1;      // hdr ext len, in 8-byte units after the first 8
        rh[2] = 4;                  // routing type 4: SRv6
        rh[3] = 1;                  // segments left
        rh[4] = 1;                  // last entry
        last.GetAddressBytes().CopyTo(rh[8..]);    // segment list in reverse: [0] is the final one
        active.GetAddressBytes().CopyTo(rh[24..]);
        var udp = rh[srh..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 12345);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 9);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload));
        return f;
    }
}
