using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>bpf(2) called directly, without PSBpf, for probes that must not depend on the code under test.</summary>
internal static unsafe partial class RawBpf
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long cmd, void* attr, long size);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>Creates and closes a map of the given type; returns 0 or the errno the kernel answered.</summary>
    public static int TryCreateMap(uint type, uint maxEntries, uint flags, ulong mapExtra = 0, uint keySize = 0, uint valueSize = 0)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) throw new PlatformNotSupportedException("the raw bpf(2) probe knows the x86-64 syscall number only");
        byte* attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        ((uint*)attr)[0] = type;       // map_type
        ((uint*)attr)[1] = keySize;    // key_size
        ((uint*)attr)[2] = valueSize;  // value_size
        ((uint*)attr)[3] = maxEntries; // max_entries
        ((uint*)attr)[4] = flags;      // map_flags
        *(ulong*)(attr + 64) = mapExtra; // map_extra (after inner_map_fd, numa_node, map_name[16], map_ifindex, btf_fd, btf_key/value_type_id, btf_vmlinux_value_type_id)
        long fd = Syscall(321, 0 /* BPF_MAP_CREATE */, attr, 128);
        if (fd < 0) return Marshal.GetLastSystemError();
        Close((int)fd);
        return 0;
    }
}
