namespace PSBpf.Engine;

/// <summary>The load phase failed for a reason other than a syscall error (relocation, unresolved extern, missing type).</summary>
public sealed class BpfLoadException : Exception
{
    /// <summary>Creates the exception for a program or map named <paramref name="subject"/>.</summary>
    public BpfLoadException(string subject, string detail, Exception? inner = null)
        : base($"{subject}: {detail}", inner)
    {
        Subject = subject;
        Detail = detail;
    }

    /// <summary>The program or map the failure concerns.</summary>
    public string Subject { get; }
    /// <summary>What went wrong.</summary>
    public string Detail { get; }
}
