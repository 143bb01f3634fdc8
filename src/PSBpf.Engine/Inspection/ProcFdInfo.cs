using System.Globalization;

namespace PSBpf.Engine;

/// <summary>
/// Reads /proc/&lt;pid&gt;/fdinfo/&lt;fd&gt;: the kernel puts facts there that bpf_*_info lacks (memlock, frozen) and
/// the object ids that let us find which processes hold a program, map or link.
/// </summary>
internal static class ProcFdInfo
{
    /// <summary>The "key:\tvalue" lines of one fdinfo file; empty when it cannot be read (process or fd gone).</summary>
    public static Dictionary<string, string> Read(string path)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) fields[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the fd was closed or the process exited while we looked
        }

        return fields;
    }

    /// <summary>fdinfo of one of our own fds.</summary>
    public static Dictionary<string, string> Self(Native.BpfFd fd) => Read($"/proc/self/fdinfo/{fd.Value}");

    public static ulong? ULong(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) && ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
