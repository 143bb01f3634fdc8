using System.Buffers.Binary;

namespace PSBpf.Engine.Native;

/// <summary>
/// Reads rtattrs (struct rtattr: u16 length, u16 type, payload, padded to 4 bytes) from a netlink reply. Bounds are
/// checked on every step: a truncated or malformed attribute ends the walk instead of reading past the message.
/// </summary>
internal static class RtAttributes
{
    /// <summary>The payload of the first attribute of <paramref name="type"/> (nesting and byte-order bits ignored).</summary>
    public static bool TryFind(ReadOnlySpan<byte> attributes, ushort type, out ReadOnlySpan<byte> value)
    {
        while (attributes.Length >= 4)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
            ushort t = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & Rtnetlink.NlaTypeMask);
            if (len < 4 || len > attributes.Length) break;
            if (t == type)
            {
                value = attributes[4..len];
                return true;
            }

            attributes = attributes[Math.Min(attributes.Length, (len + 3) & ~3)..];
        }

        value = default;
        return false;
    }

    /// <summary>A u32 attribute, or null when it is missing or shorter than 4 bytes.</summary>
    public static uint? U32(ReadOnlySpan<byte> attributes, ushort type) =>
        TryFind(attributes, type, out var v) && v.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(v) : null;

    /// <summary>A u8 attribute, or null when it is missing or empty.</summary>
    public static byte? U8(ReadOnlySpan<byte> attributes, ushort type) =>
        TryFind(attributes, type, out var v) && v.Length >= 1 ? v[0] : null;

    /// <summary>A NUL-terminated string attribute, or null when it is missing.</summary>
    public static string? String(ReadOnlySpan<byte> attributes, ushort type) =>
        TryFind(attributes, type, out var v) ? NativeText.CString(v) : null;
}
