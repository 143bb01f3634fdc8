using PSBpf.Engine;

namespace PSBpf.Completion;

/// <summary>
/// The candidates the argument completers offer, as pure functions of the word typed and the values already bound
/// (unwrapped from PSObject by the completer). Free of PowerShell types, so xunit tests call them without a runspace.
/// </summary>
public static class CompletionCandidates
{
    /// <summary>
    /// Program names: those of the bound object (a <see cref="BpfObject"/> or <see cref="BpfProgram"/>), else of the object
    /// file a bound rooted path names, else <paramref name="kernelNames"/> (the kernel's programs).
    /// </summary>
    public static IReadOnlyList<string> ProgramNames(string? word, object? bound, Func<IEnumerable<string>> kernelNames)
    {
        ArgumentNullException.ThrowIfNull(kernelNames);
        var names = bound switch
        {
            BpfObject o => o.Programs.Names,
            BpfProgram p => [p.Name],
            string path => FromFile(path, o => o.Programs.Names.ToList()) ?? [], // a file that cannot be opened has nothing to offer
            _ => null,
        };
        return Filter(word, names ?? SafeKernel(kernelNames));
    }

    /// <summary>Map names: those of the bound object (or a bound map's object), else of the kernel's maps.</summary>
    public static IReadOnlyList<string> MapNames(string? word, object? bound, Func<IEnumerable<string>> kernelNames)
    {
        ArgumentNullException.ThrowIfNull(kernelNames);
        var names = bound switch
        {
            BpfObject o => o.Maps.Names,
            BpfMap m => BpfRecordTypes.ObjectOf(m)?.Maps.Names ?? [m.Name],
            _ => null,
        };
        return Filter(word, names ?? SafeKernel(kernelNames));
    }

    /// <summary>BTF struct, union and typedef names of the bound map's object (or of a bound object); none without one.</summary>
    public static IReadOnlyList<string> RecordTypeNames(string? word, object? bound) => bound switch
    {
        BpfMap m => Filter(word, BpfRecordTypes.Names(m)),
        BpfObject o => Filter(word, BpfRecordTypes.Names(o.Btf)),
        _ => [],
    };

    /// <summary>
    /// Struct, union, enum and typedef names the C declarations of -Header (<paramref name="header"/>, relative to
    /// <paramref name="directory"/>) and -TypeDefinition declare; none when they cannot be read.
    /// </summary>
    public static IReadOnlyList<string> HeaderTypeNames(string? word, string? header, string? definition, string directory)
    {
        try
        {
            string[] paths = string.IsNullOrEmpty(header) ? [] : [Path.GetFullPath(header, directory)];
            var parsed = Engine.Btf.BtfCHeader.Parse(paths, string.IsNullOrEmpty(definition) ? null : definition, new Engine.Btf.BtfCHeaderOptions { DefinitionDirectory = directory });
            return Filter(word, parsed.Types.Where(t => t.Name.Length > 0).Select(t => t.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        }
        catch (Exception e) when (e is BpfHeaderException or IOException or UnauthorizedAccessException or BpfFormatException or ArgumentException)
        {
            return [];
        }
    }

    /// <summary>Network interface names: the entries of <paramref name="sysClassNet"/> (/sys/class/net).</summary>
    public static IReadOnlyList<string> InterfaceNames(string? word, string sysClassNet = "/sys/class/net")
    {
        try
        {
            return Filter(word, Directory.EnumerateFileSystemEntries(sysClassNet).Select(Path.GetFileName).OfType<string>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Cgroup directories for a partly typed path: below <paramref name="cgroupRoot"/> when the word is relative or empty,
    /// else the directories of the typed path's parent that start with its last part. Candidates are full paths.
    /// </summary>
    public static IReadOnlyList<string> CgroupPaths(string? word, string cgroupRoot = "/sys/fs/cgroup")
    {
        word ??= string.Empty;
        string full = Path.IsPathRooted(word) ? word : word.Length == 0 ? cgroupRoot.TrimEnd('/') + "/" : Path.Join(cgroupRoot, word);
        string parent, stem;
        if (full.EndsWith('/'))
        {
            parent = full.TrimEnd('/');
            stem = string.Empty;
        }
        else
        {
            parent = Path.GetDirectoryName(full) ?? "/";
            stem = Path.GetFileName(full);
        }

        if (parent.Length == 0) parent = "/";
        try
        {
            return Directory.EnumerateDirectories(parent)
                .Where(d => Path.GetFileName(d).StartsWith(stem, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Distinct names that start with <paramref name="word"/> (case-insensitive; a trailing '*' is allowed), sorted.</summary>
    public static IReadOnlyList<string> Filter(string? word, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        string prefix = (word ?? string.Empty).Trim('\'', '"').TrimEnd('*');
        return names.Where(n => n.Length > 0 && n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static IEnumerable<string> SafeKernel(Func<IEnumerable<string>> kernelNames)
    {
        try
        {
            return kernelNames().ToList();
        }
        catch (Exception e) when (e is BpfSyscallException or IOException or UnauthorizedAccessException)
        {
            return []; // completion never fails: without privileges there is simply nothing to offer
        }
    }

    private static List<string>? FromFile(string path, Func<BpfObject, List<string>> names)
    {
        if (!Path.IsPathRooted(path) || !File.Exists(path)) return null;
        try
        {
            using var obj = BpfObject.Open(path);
            return names(obj);
        }
        catch (Exception e) when (e is BpfFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
