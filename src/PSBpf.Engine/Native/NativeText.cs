using System.Text;

namespace PSBpf.Engine.Native;

/// <summary>Text that the kernel hands back in fixed buffers: NUL-terminated names and logs, program tags.</summary>
internal static unsafe class NativeText
{
    /// <summary>The UTF-8 text up to the first NUL (or the whole buffer when there is none).</summary>
    public static string CString(ReadOnlySpan<byte> buffer)
    {
        int end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }

    /// <summary>
    /// A path for the kernel as a C string: UTF-8 with its NUL. A path holding a NUL would end there and name another
    /// file ("a.o\0b" is "a.o"), so it is refused with the message .NET's file API gives.
    /// </summary>
    public static byte[] CPath(string path)
    {
        RejectNul(path);
        return Encoding.UTF8.GetBytes(path + "\0");
    }

    /// <summary>What <see cref="CPath"/> refuses, for paths that a LibraryImport marshals as UTF-8 itself.</summary>
    public static void RejectNul(string path)
    {
        if (path.Contains('\0')) throw new ArgumentException("Null character in path.", nameof(path));
    }

    /// <summary>A fixed-size char array of a kernel struct (e.g. bpf_prog_info.name).</summary>
    public static string CString(byte* p, int max) => CString(new ReadOnlySpan<byte>(p, max));

    /// <summary>
    /// Writes an object name into a bpf_attr name field (BPF_OBJ_NAME_LEN = 16): the kernel takes 15 characters
    /// (letters, digits, '_' and '.') and the NUL, so longer names are cut.
    /// </summary>
    public static void WriteObjectName(byte* dest, string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        int n = Math.Min(bytes.Length, 15);
        for (int i = 0; i < n; i++) dest[i] = bytes[i];
    }

    private const string HexDigits = "0123456789abcdef";

    /// <summary>A program tag as bpftool prints it: 16 lowercase hex digits.</summary>
    public static string Tag(byte* tag)
    {
        // by hand, not Convert.ToHexString: its vectorised encoder is generic framework code that every fresh
        // process JIT-compiled for the first program tag
        Span<char> text = stackalloc char[16];
        for (int i = 0; i < 8; i++)
        {
            text[2 * i] = HexDigits[tag[i] >> 4];
            text[2 * i + 1] = HexDigits[tag[i] & 0xf];
        }

        return new string(text);
    }
}
