using System.Globalization;

namespace PSBpf.Engine.Asm;

/// <summary>
/// /proc/kallsyms by address, for naming the calls of xlated programs: the kernel rewrites a helper or kfunc call's imm
/// to the callee's address minus __bpf_call_base, as bpftool resolves it. Addresses read as zero without root
/// (kernel.kptr_restrict); then nothing resolves.
/// </summary>
internal sealed class KernelSymbols
{
    private const string Path = "/proc/kallsyms";
    private static readonly object Gate = new();
    private static KernelSymbols? _shared;

    private readonly ulong[] _addresses;
    private readonly string[] _names;

    private KernelSymbols(ulong[] addresses, string[] names, ulong callBase)
    {
        _addresses = addresses;
        _names = names;
        CallBase = callBase;
    }

    /// <summary>The kernel's symbols as last read (reading takes a while, so they are read once and kept).</summary>
    public static KernelSymbols Kernel
    {
        get
        {
            lock (Gate) return _shared ??= Read(Path);
        }
    }

    /// <summary>
    /// The kernel's symbols, read again when any of <paramref name="addresses"/> is not among them: JIT-compiled BPF
    /// functions (bpf_prog_&lt;tag&gt;_&lt;name&gt;) appear as programs load, after the symbols were first read.
    /// </summary>
    public static KernelSymbols Covering(IReadOnlyCollection<ulong> addresses)
    {
        var current = Kernel;
        if (addresses.All(a => current.At(a) is not null)) return current;
        var fresh = Read(Path);
        lock (Gate) _shared = fresh;
        return fresh;
    }

    /// <summary>Address of __bpf_call_base, 0 when unknown.</summary>
    public ulong CallBase { get; }

    /// <summary>The symbol exactly at <paramref name="address"/> (the first listed there), or null.</summary>
    public string? At(ulong address)
    {
        int i = Array.BinarySearch(_addresses, address);
        if (i < 0) return null;
        while (i > 0 && _addresses[i - 1] == address) i--;
        return _names[i];
    }

    /// <summary>The callee of a helper or kfunc call in an xlated program.</summary>
    public string? Callee(int imm) => CallBase == 0 ? null : At(CallBase + (ulong)(long)imm);

    internal static KernelSymbols Read(string path)
    {
        var entries = new List<(ulong Address, string Name)>();
        ulong callBase = 0;
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                // "ffffffff81000000 T _stext" or "... t name\t[module]"
                int s1 = line.IndexOf(' ', StringComparison.Ordinal);
                int s2 = s1 < 0 ? -1 : line.IndexOf(' ', s1 + 1);
                if (s2 < 0 || !ulong.TryParse(line.AsSpan(0, s1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address) || address == 0) continue;
                int end = line.IndexOf('\t', s2 + 1);
                string name = end < 0 ? line[(s2 + 1)..] : line[(s2 + 1)..end];
                if (name == "__bpf_call_base") callBase = address;
                entries.Add((address, name));
            }
        }

        // Stable by address, so the first listed symbol at an address wins as in a sorted bpftool lookup.
        var sorted = entries.Select((e, i) => (e.Address, e.Name, i)).OrderBy(e => e.Address).ThenBy(e => e.i).ToArray();
        return new KernelSymbols(sorted.Select(e => e.Address).ToArray(), sorted.Select(e => e.Name).ToArray(), callBase);
    }
}
