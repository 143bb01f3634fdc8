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

    /// <summary>The map or program.</summary>
    public string Subject { get; }
}
