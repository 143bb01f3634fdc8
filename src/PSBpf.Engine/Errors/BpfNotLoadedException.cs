namespace PSBpf.Engine;

/// <summary>A map or program was used before its object was loaded.</summary>
public sealed class BpfNotLoadedException : InvalidOperationException
{
    /// <summary>Creates the exception for the map or program named <paramref name="subject"/> (e.g. "map 'rb'").</summary>
    public BpfNotLoadedException(string subject)
        : base($"{subject} is not loaded; load its object first")
    {
        Subject = subject;
    }

    /// <summary>Creates the exception for <paramref name="subject"/> with what happened to it (<paramref name="detail"/>).</summary>
    public BpfNotLoadedException(string subject, string detail)
        : base($"{subject} {detail}")
    {
        Subject = subject;
    }

    /// <summary>The map or program.</summary>
    public string Subject { get; }
}
