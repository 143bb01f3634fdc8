using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// Invoke-BpfProgram: runs a loaded program in the kernel on input given here (BPF_PROG_TEST_RUN, like
/// <c>bpftool prog run</c>), without attaching it: a packet, a context, or raw_tp arguments; <c>-Repeat</c> for
/// timing. Writes one <see cref="BpfRunResult"/> per program: the return value (XDP and tc actions by name), the
/// output packet, the output context and the mean duration per run.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BpfProgram", DefaultParameterSetName = ProgramSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BpfRunResult))]
public sealed class InvokeBpfProgramCommand : BpfCmdletBase
{
    private const string ProgramSet = "Program";
    private const string IdSet = "Id";

    /// <summary>A loaded program of an object ($o.Programs.name, or Get-BpfProgram -Object output).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ProgramSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfProgram Program { get; set; } = null!;

    /// <summary>The kernel id of a loaded program; binds the Id of Get-BpfProgram output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    public uint Id { get; set; }

    /// <summary>The packet: an Ethernet frame for xdp, tc, socket filter, cgroup_skb, lwt and flow_dissector programs.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNull]
    public byte[]? Data { get; set; }

    /// <summary>
    /// The context: a hashtable or object of its fields (struct __sk_buff, xdp_md, bpf_flow_keys, bpf_sk_lookup, or a
    /// syscall program's argument type), the numbers a raw_tp program gets as arguments, or raw bytes.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object? Context { get; set; }

    /// <summary>How many times the kernel runs the program; DurationNs is the mean. 1 by default.</summary>
    [Parameter]
    [ValidateRange(1, uint.MaxValue)]
    public uint Repeat { get; set; } = 1;

    /// <summary>Bytes kept for the output packet (by default the input's size plus 4 KiB, at least 64 KiB).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int DataOutSize { get; set; }

    /// <summary>raw_tp programs: the CPU to run on.</summary>
    [Parameter]
    public uint Cpu { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var options = new BpfRunOptions
        {
            Data = Data,
            Context = Context is null ? null : PSValueConverter.ToEngineValue(Context),
            Repeat = Repeat,
            DataOutSize = MyInvocation.BoundParameters.ContainsKey(nameof(DataOutSize)) ? DataOutSize : null,
            Cpu = MyInvocation.BoundParameters.ContainsKey(nameof(Cpu)) ? Cpu : null,
        };
        if (ParameterSetName == ProgramSet)
        {
            Run(Program, $"program '{Program.Name}' ({Program.Type})", () => Program.Run(options, PSRecordFactory.Instance));
            return;
        }

        BpfKernelProgram kernel;
        try
        {
            kernel = BpfKernelProgram.Open(Id);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, Id);
            return;
        }

        using (kernel)
        {
            Run(Id, $"program {Id} '{kernel.Info.Name}' ({kernel.Info.Type})", () => kernel.Run(options, PSRecordFactory.Instance));
        }
    }

    private void Run(object target, string what, Func<BpfRunResult> run)
    {
        if (!ShouldProcess(what, Repeat == 1 ? "Run (BPF_PROG_TEST_RUN)" : $"Run {Repeat} times (BPF_PROG_TEST_RUN)")) return;
        try
        {
            WriteObject(run());
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, target);
        }
    }
}
