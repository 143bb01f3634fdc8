using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>
/// struct epoll_event { __u32 events; __u64 data; }: packed (12 bytes) on x86-64, naturally aligned (16 bytes)
/// elsewhere, so it is read and written as bytes instead of through one fixed struct layout.
/// </summary>
internal static class EpollEvent
{
    /// <summary>Bytes per epoll_event on this architecture.</summary>
    public static int Size { get; } = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int DataOffset => Size == 12 ? 4 : 8;

    public static void Write(Span<byte> ev, uint events, ulong data)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(ev, events);
        BinaryPrimitives.WriteUInt64LittleEndian(ev[DataOffset..], data);
    }

    public static ulong Data(ReadOnlySpan<byte> ev) => BinaryPrimitives.ReadUInt64LittleEndian(ev[DataOffset..]);
}
