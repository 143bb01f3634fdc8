namespace PSBpf.HelpGen;

/// <summary>A markdown help page does not follow the platyPS layout; the message names the file and line.</summary>
public sealed class HelpFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HelpFormatException(string source, int line, string detail)
        : base($"{source}:{line}: {detail}")
    {
        FileName = source;
        Line = line;
        Detail = detail;
    }

    /// <summary>Creates the exception without a location.</summary>
    public HelpFormatException()
        : this("?", 0, "invalid help markdown")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public HelpFormatException(string message)
        : this("?", 0, message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public HelpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = "?";
        Detail = message;
    }

    /// <summary>The markdown file.</summary>
    public string FileName { get; }
    /// <summary>1-based line number (0 when unknown).</summary>
    public int Line { get; }
    /// <summary>What is wrong.</summary>
    public string Detail { get; }
}
