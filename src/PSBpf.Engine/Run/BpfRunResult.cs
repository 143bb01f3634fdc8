namespace PSBpf.Engine;

/// <summary>What one test run of a program returned (<c>bpftool prog run</c>'s output, as data).</summary>
public sealed class BpfRunResult
{
    /// <summary>The kernel id of the program that ran.</summary>
    public uint ProgramId { get; init; }

    /// <summary>The program's name.</summary>
    public string ProgramName { get; init; } = string.Empty;

    /// <summary>The program's type.</summary>
    public BpfProgramType ProgramType { get; init; }

    /// <summary>The program's return value (of the last run when repeated), as the kernel reports it: unsigned.</summary>
    public uint ReturnValue { get; init; }

    /// <summary>The return value by name where the type gives it one (XDP_PASS, TC_ACT_SHOT, SK_PASS, …), else null.</summary>
    public string? Action { get; init; }

    /// <summary>The packet after the program ran (changed, grown or shrunk by it); flow_dissector: the dissected
    /// <c>struct bpf_flow_keys</c> bytes. Null for types that take no data.</summary>
    public byte[]? Data { get; init; }

    /// <summary>The context after the run, decoded through its BTF type (a record) where the type is known, else its
    /// bytes; null for types whose context does not come back (raw_tp).</summary>
    public object? Context { get; init; }

    /// <summary>How many times the program ran.</summary>
    public uint Repeat { get; init; }

    /// <summary>Mean time per run in nanoseconds, as the kernel measured it (0 for the types it does not time).</summary>
    public uint DurationNs { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{ProgramName}: {Action ?? ReturnValue.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
