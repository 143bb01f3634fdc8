namespace PSBpf.Engine;

/// <summary>
/// One line of the kernel's trace buffer (trace_pipe): for bpf_printk output, <see cref="Function"/> is "bpf_trace_printk"
/// and <see cref="Message"/> the text the program printed.
/// </summary>
public sealed record BpfTraceRecord
{
    /// <summary>Wall-clock time of the event, from <see cref="Timestamp"/> and the trace clock; null for clocks that are counters (counter, x86-tsc).</summary>
    public DateTime? Time { get; init; }
    /// <summary>The trace clock's timestamp, in seconds (for the default "local" clock: since boot).</summary>
    public double Timestamp { get; init; }
    /// <summary>Thread id of the task that was running (the kernel's pid; the process id for single-threaded processes).</summary>
    public int Pid { get; init; }
    /// <summary>Thread group (process) id, when the record-tgid option is on; else null.</summary>
    public int? Tgid { get; init; }
    /// <summary>Task name (comm); "&lt;...&gt;" when the kernel no longer knew it. May contain spaces and dashes.</summary>
    public string Comm { get; init; } = string.Empty;
    /// <summary>CPU the event happened on.</summary>
    public int Cpu { get; init; }
    /// <summary>The irq-info flag columns (irqs-off, need-resched, hard/softirq, preempt depth, migrate-disable), null when the irq-info option is off.</summary>
    public string? Flags { get; init; }
    /// <summary>The event: "bpf_trace_printk" for bpf_printk, else the tracepoint or function name.</summary>
    public string Function { get; init; } = string.Empty;
    /// <summary>The event's text (for bpf_printk, what the program printed, without the trailing newline).</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>True for bpf_printk output.</summary>
    public bool IsBpfPrintk => Function == "bpf_trace_printk";

    /// <inheritdoc />
    public override string ToString() => $"{Comm}-{Pid} [{Cpu:000}] {Timestamp:F6}: {Function}: {Message}";
}
