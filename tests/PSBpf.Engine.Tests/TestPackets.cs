using System.Buffers.Binary;

namespace PSBpf.Engine.Tests;

/// <summary>Ethernet/IPv4/UDP frames built byte by byte, for programs run on crafted packets.</summary>
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
}
