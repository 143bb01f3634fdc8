namespace PSBpf.Engine.Btf;

/// <summary>A value cannot be encoded into (or decoded from) a BTF type; <see cref="Path"/> names the field at fault.</summary>
public sealed class BpfValueException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public BpfValueException(string path, string detail)
        : base(string.IsNullOrEmpty(path) ? detail : $"{path}: {detail}")
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>Dotted path of the field (e.g. "cfg.limits[2].max").</summary>
    public string Path { get; }
    /// <summary>What was wrong.</summary>
    public string Detail { get; }
}
