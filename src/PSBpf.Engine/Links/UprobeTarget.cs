using PSBpf.Engine.Elf;

namespace PSBpf.Engine;

/// <summary>Finds the file and file offset a uprobe goes to, as libbpf does: $PATH for bare names, ELF symbols for functions.</summary>
internal static class UprobeTarget
{
    /// <summary>
    /// The absolute path of <paramref name="binary"/>, as libbpf's resolve_full_path: a name without '/' is a shared
    /// library when it ends in ".so" or holds ".so.", searched in $LD_LIBRARY_PATH, /usr/lib64, /usr/lib and the
    /// architecture's multiarch directory (readable files); any other name is searched in $PATH, /usr/bin and /usr/sbin
    /// (executable files).
    /// </summary>
    public static string ResolvePath(string binary)
    {
        if (binary.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(binary) ? Path.GetFullPath(binary) : throw new FileNotFoundException($"uprobe target '{binary}' does not exist", binary);
        }

        bool library = binary.EndsWith(".so", StringComparison.Ordinal) || binary.Contains(".so.", StringComparison.Ordinal);
        var searched = library
            ? new[] { Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"), "/usr/lib64:/usr/lib", MultiarchLibDir() }
            : new[] { Environment.GetEnvironmentVariable("PATH"), "/usr/bin:/usr/sbin" };
        foreach (var dir in searched.Where(d => d is not null).SelectMany(d => d!.Split(':', StringSplitOptions.RemoveEmptyEntries)))
        {
            var candidate = Path.Combine(dir, binary);
            if (File.Exists(candidate) && (library || IsExecutable(candidate))) return Path.GetFullPath(candidate);
        }

        throw new FileNotFoundException(library
            ? $"uprobe target library '{binary}' is not in $LD_LIBRARY_PATH, /usr/lib64, /usr/lib or {MultiarchLibDir()}"
            : $"uprobe target '{binary}' is not in $PATH, /usr/bin or /usr/sbin", binary);
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>Debian's multiarch library directory for this process's architecture (libbpf assumes the target matches it).</summary>
    internal static string? MultiarchLibDir() => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "/lib/x86_64-linux-gnu",
        System.Runtime.InteropServices.Architecture.X86 => "/lib/i386-linux-gnu",
        System.Runtime.InteropServices.Architecture.Arm64 => "/lib/aarch64-linux-gnu",
        System.Runtime.InteropServices.Architecture.Arm => "/lib/arm-linux-gnueabihf",
        System.Runtime.InteropServices.Architecture.S390x => "/lib/s390x-linux-gnu",
        System.Runtime.InteropServices.Architecture.Ppc64le => "/lib/powerpc64le-linux-gnu",
        _ => null,
    };

    /// <summary>
    /// The file offset of function <paramref name="symbol"/>: its st_value (a virtual address in executables and shared
    /// objects) mapped through the PT_LOAD segments. .symtab first, then .dynsym (stripped binaries keep only the latter);
    /// versioned names ("foo@@GLIBC_2.2") match their base name.
    /// </summary>
    public static ulong SymbolOffset(string path, string symbol)
    {
        using var elf = ElfFile.Open(path);
        foreach (var s in DefinedFunctions(elf))
        {
            if (!NameMatches(s.Name, symbol)) continue;
            return elf.VirtualAddressToFileOffset(s.Value)
                ?? throw new BpfLoadException($"uprobe {path}:{symbol}", $"symbol address 0x{s.Value:x} is in no loadable segment");
        }

        throw new BpfLoadException($"uprobe {path}:{symbol}", "no such function symbol in .symtab or .dynsym");
    }

    /// <summary>
    /// The functions matching glob <paramref name="pattern"/> and their file offsets (libbpf's uprobe.multi resolution):
    /// .symtab and .dynsym, versioned names by their base name, one entry per offset (a function in both tables, or
    /// aliases at one address, is probed once).
    /// </summary>
    public static IReadOnlyList<(string Name, ulong Offset)> SymbolOffsets(string path, string pattern)
    {
        if (!SymbolGlob.HasWildcard(pattern)) return [(pattern, SymbolOffset(path, pattern))];
        using var elf = ElfFile.Open(path);
        var byOffset = new SortedDictionary<ulong, string>();
        foreach (var s in DefinedFunctions(elf))
        {
            int at = s.Name.IndexOf('@', StringComparison.Ordinal);
            if (!SymbolGlob.Matches(pattern, at < 0 ? s.Name : s.Name.AsSpan(0, at))) continue;
            if (elf.VirtualAddressToFileOffset(s.Value) is { } offset) byOffset.TryAdd(offset, s.Name);
        }

        return byOffset.Select(e => (e.Value, e.Key)).ToList();
    }

    /// <summary>The functions a binary defines (FUNC and GNU_IFUNC, not undefined), .symtab before .dynsym.</summary>
    private static IEnumerable<ElfSymbol> DefinedFunctions(ElfFile elf) =>
        elf.Symbols.Concat(elf.DynamicSymbols).Where(s => s.Type is ElfSymbolType.Func or ElfSymbolType.GnuIFunc && s.SectionIndex != ElfSymbol.SectionUndefined);

    private static bool NameMatches(string name, string wanted) =>
        name == wanted || (name.StartsWith(wanted, StringComparison.Ordinal) && name.Length > wanted.Length && name[wanted.Length] == '@');

    /// <summary>Splits a section target "path:func[+offset]" (libbpf's auto-attach form); null when it is not one.</summary>
    public static (string Binary, string? Function, ulong Offset)? ParseSection(string? target)
    {
        if (string.IsNullOrEmpty(target)) return null;
        int colon = target.LastIndexOf(':');
        if (colon <= 0 || colon == target.Length - 1) return null;
        string binary = target[..colon], func = target[(colon + 1)..];
        ulong offset = 0;
        int plus = func.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            var off = func[(plus + 1)..];
            offset = off.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.Parse(off.AsSpan(2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture)
                : ulong.Parse(off, System.Globalization.CultureInfo.InvariantCulture);
            func = func[..plus];
        }

        return (binary, func.Length == 0 ? null : func, offset);
    }
}
