namespace PSBpf.Engine;

/// <summary>
/// A test run's input does not suit the program type (BPF_PROG_TEST_RUN's rules): no packet where the type runs on
/// one, a packet where it takes none, a repeat count for a type that runs once, an output packet that outgrew its room.
/// </summary>
public sealed class BpfRunInputException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="program"/> ("program 'x' (xdp)") with what is wrong.</summary>
    public BpfRunInputException(string program, string detail)
        : base($"{program} {detail}")
    {
        Program = program;
        Detail = detail;
    }

    /// <summary>The program, by name and type.</summary>
    public string Program { get; }

    /// <summary>What is wrong with the input.</summary>
    public string Detail { get; }
}
