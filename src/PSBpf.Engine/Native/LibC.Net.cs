using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

internal static unsafe partial class LibC
{
    [LibraryImport(Lib, EntryPoint = "if_indextoname", SetLastError = true)]
    private static partial byte* IfIndexToName(uint ifindex, byte* name);

    /// <summary>if_indextoname(3): the interface name, or null when no interface has that index in this namespace.</summary>
    internal static string? InterfaceName(uint ifindex)
    {
        byte* buf = stackalloc byte[16]; // IF_NAMESIZE
        return IfIndexToName(ifindex, buf) is null ? null : Marshal.PtrToStringUTF8((nint)buf);
    }
}
