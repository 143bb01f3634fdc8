using System.Diagnostics;
using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>Counts what a process holds: its open fds, and the kernel's program/map ids (from bpftool).</summary>
internal static class KernelObjects
{
    /// <summary>
    /// BPF fds (maps, programs, BTF, links) and BPF map mappings this process holds. Only these count, so tests running
    /// in parallel that open files or spawn processes do not disturb the number.
    /// </summary>
    public static int BpfHandles()
    {
        int n = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget ?? string.Empty;
                if (target.StartsWith("anon_inode:bpf", StringComparison.Ordinal) || target.StartsWith("anon_inode:btf", StringComparison.Ordinal)) n++;
            }
            catch (IOException)
            {
                // closed while we looked
            }
        }

        return n + File.ReadLines("/proc/self/maps").Count(l => l.Contains("bpf-map", StringComparison.Ordinal));
    }

    public static HashSet<uint> ProgramIds() => Ids("prog");

    public static HashSet<uint> MapIds() => Ids("map");

    private static HashSet<uint> Ids(string what)
    {
        using var doc = Bpftool.Json(what, "show");
        return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetUInt32()).ToHashSet();
    }
}
