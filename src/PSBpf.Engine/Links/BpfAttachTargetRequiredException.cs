namespace PSBpf.Engine;

/// <summary>The section name does not say where to attach the program; the caller must name a target.</summary>
public sealed class BpfAttachTargetRequiredException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    public BpfAttachTargetRequiredException(string program, BpfProgramType type, string section, string needed)
        : base($"program '{program}' ({type}, section '{section}') cannot be auto-attached: it needs {needed}")
    {
        ProgramName = program;
        Needed = needed;
    }

    /// <summary>The program.</summary>
    public string ProgramName { get; }
    /// <summary>What target it needs.</summary>
    public string Needed { get; }
}
