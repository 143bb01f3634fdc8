namespace PSBpf.Engine;

/// <summary>
/// A BPF object file, ELF image or BTF blob is malformed or unsupported.
/// The message names the file and, where known, the section and byte offset at fault.
/// </summary>
public class BpfFormatException : Exception
{
    /// <summary>Creates the exception; <paramref name="detail"/> is prefixed with the location.</summary>
    public BpfFormatException(string? file, string? section, long? offset, string detail, Exception? inner = null)
        : base(Compose(file, section, offset, detail), inner)
    {
        FileName = file;
        SectionName = section;
        Offset = offset;
        Detail = detail;
    }

    /// <summary>The file (or object name) that is malformed, if known.</summary>
    public string? FileName { get; }

    /// <summary>The ELF section (or BTF part) at fault, if known.</summary>
    public string? SectionName { get; }

    /// <summary>Byte offset within the section (or file when no section is named), if known.</summary>
    public long? Offset { get; }

    /// <summary>What was wrong, without the location prefix.</summary>
    public string Detail { get; }

    private static string Compose(string? file, string? section, long? offset, string detail)
    {
        var where = new List<string>(3);
        if (!string.IsNullOrEmpty(file)) where.Add(file);
        if (!string.IsNullOrEmpty(section)) where.Add($"section {section}");
        if (offset is long o) where.Add($"offset 0x{o:x}");
        return where.Count == 0 ? detail : $"{string.Join(", ", where)}: {detail}";
    }
}
