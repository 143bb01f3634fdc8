namespace PSBpf.Engine;

/// <summary>
/// What the verifier said about one program of an object (veristat's row): accepted or not, how much work it did,
/// and the log when it refused. Plain data: nothing of it refers to a kernel object, which is gone by the time it exists.
/// </summary>
public sealed record BpfProgramVerification
{
    /// <summary>Object name (libbpf's: file name up to the first '.').</summary>
    public required string Object { get; init; }
    /// <summary>Full path of the object file, when it was opened from a file.</summary>
    public string? Path { get; init; }
    /// <summary>Program (function) name.</summary>
    public required string Program { get; init; }
    /// <summary>ELF section name.</summary>
    public required string Section { get; init; }
    /// <summary>Program type the load used.</summary>
    public BpfProgramType Type { get; init; }
    /// <summary>True when BPF_PROG_LOAD succeeded.</summary>
    public bool Accepted { get; init; }
    /// <summary>veristat's verdict: "success" or "failure".</summary>
    public string Verdict => Accepted ? "success" : "failure";
    /// <summary>Instructions handed to the kernel (after subprogram linking), or null when the program did not get that far.</summary>
    public int? Instructions { get; init; }
    /// <summary>Instructions the verifier processed ("processed N insns"), or null when the kernel never ran the verifier.</summary>
    public uint? InstructionsProcessed { get; init; }
    /// <summary>Verifier states created ("total_states").</summary>
    public uint? TotalStates { get; init; }
    /// <summary>Most verifier states alive at once ("peak_states").</summary>
    public uint? PeakStates { get; init; }
    /// <summary>Time the verifier spent ("verification time N usec").</summary>
    public TimeSpan? VerificationTime { get; init; }
    /// <summary>Sum of the per-function stack depths ("stack depth 8+16"): an upper bound for the deepest call chain.</summary>
    public int? StackDepth { get; init; }
    /// <summary>Stack depth of each function, main program first, as the verifier lists them.</summary>
    public IReadOnlyList<int> StackDepths { get; init; } = [];
    /// <summary>errno of the failed load (e.g. 13 EACCES for a verifier rejection), null when accepted.</summary>
    public int? Errno { get; init; }
    /// <summary>Why the program was refused: the verifier's last lines or the loader's error; null when accepted.</summary>
    public string? Error { get; init; }
    /// <summary>Verifier log: statistics when accepted, the full instruction-level log when refused.</summary>
    public string? VerifierLog { get; init; }

    /// <summary>Kernel id the program had while it was loaded (gone afterwards); tests use it to check that.</summary>
    internal uint? KernelId { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Program}: {Verdict}, {InstructionsProcessed?.ToString(global::System.Globalization.CultureInfo.InvariantCulture) ?? "-"} insns processed";
}
