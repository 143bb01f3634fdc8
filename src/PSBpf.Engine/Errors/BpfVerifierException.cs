namespace PSBpf.Engine;

/// <summary>The kernel refused to load a program; <see cref="VerifierLog"/> has the full verifier log.</summary>
public sealed class BpfVerifierException : BpfSyscallException
{
    /// <summary>Creates the exception.</summary>
    public BpfVerifierException(string programName, int errno, string log)
        : base(BpfCommand.ProgLoad, $"BPF_PROG_LOAD for program '{programName}'", errno, Summarize(log))
    {
        ProgramName = programName;
        VerifierLog = log;
    }

    /// <summary>The program that failed.</summary>
    public string ProgramName { get; }
    /// <summary>The whole verifier log.</summary>
    public string VerifierLog { get; }

    /// <summary>The last few meaningful lines of a verifier log (where the verifier says what it rejected).</summary>
    public static string Summarize(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("processed ", StringComparison.Ordinal) && !l.StartsWith("verification time", StringComparison.Ordinal)
                && !l.StartsWith("stack depth", StringComparison.Ordinal))
            .ToArray();
        return lines.Length == 0 ? "the kernel gave no verifier log" : "verifier: " + string.Join(" | ", lines.TakeLast(3));
    }
}
