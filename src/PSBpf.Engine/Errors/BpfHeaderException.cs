namespace PSBpf.Engine;

/// <summary>
/// A C header (or declaration text) that <see cref="Btf.BtfCHeader"/> cannot turn into BTF: a syntax error, or a construct
/// it does not handle. The message starts with <c>file:line:column</c> of the token at fault.
/// </summary>
public sealed class BpfHeaderException : Exception
{
    /// <summary>Creates the exception; <paramref name="detail"/> is prefixed with the location.</summary>
    public BpfHeaderException(string file, int line, int column, string detail)
        : base($"{file}:{line}:{column}: {detail}")
    {
        FileName = file;
        Line = line;
        Column = column;
        Detail = detail;
    }

    /// <summary>The header file (or the name given to declaration text, e.g. <c>&lt;TypeDefinition&gt;</c>).</summary>
    public string FileName { get; }

    /// <summary>1-based line of the token at fault.</summary>
    public int Line { get; }

    /// <summary>1-based column of the token at fault.</summary>
    public int Column { get; }

    /// <summary>What was not understood, without the location prefix.</summary>
    public string Detail { get; }
}
