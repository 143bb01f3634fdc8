using System.Diagnostics;
using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Measure-BpfProgram: bpftop as a cmdlet. Turns run-time statistics on (BPF_ENABLE_STATS) for as long as it samples,
/// reads the chosen programs' run_cnt and run_time_ns every -Interval for -Count samples, and writes one
/// <see cref="BpfProgramSample"/> per program per sample: runs, runs per second, mean time per run and CPU share in
/// the interval. Statistics go off again when it ends (unless someone else holds them).
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "BpfProgram", DefaultParameterSetName = KernelSet)]
[OutputType(typeof(BpfProgramSample))]
public sealed class MeasureBpfProgramCommand : InspectionCmdletBase
{
    private const string KernelSet = "Kernel";
    private const string ProgramSet = "Program";
    private const string ObjectSet = "Object";

    private readonly List<uint> _ids = [];
    private readonly List<uint> _askedIds = [];
    private bool _byId;
    private NameFilter _names = new(null);

    /// <summary>Program names (wildcards): only programs of these names.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ProgramNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Program types (bpftool names: xdp, tracepoint, sched_cls, …): only programs of these types.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public BpfProgramType[]? Type { get; set; }

    /// <summary>Kernel program ids (all programs without it); binds the Id of Get-BpfProgram output.</summary>
    [Parameter(ParameterSetName = KernelSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public uint[]? Id { get; set; }

    /// <summary>Loaded programs of an object ($o.Programs.name, Get-BpfProgram -Object output).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ProgramSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public BpfProgram[] Program { get; set; } = [];

    /// <summary>A loaded object (Invoke-BpfLoad output): all its loaded programs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfObject Object { get; set; } = null!;

    /// <summary>Seconds between samples (1 by default).</summary>
    [Parameter]
    [ValidateRange(0.01, 86400.0)]
    public double Interval { get; set; } = 1;

    /// <summary>How many samples to take (1 by default); 0 samples until the pipeline is stopped (Ctrl+C).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <inheritdoc />
    protected override void BeginProcessing() => _names = new NameFilter(Name);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case KernelSet when Id is not null:
                _byId = true;
                _askedIds.AddRange(Id);
                break;
            case ProgramSet:
                foreach (var p in Program) AddLoaded(p, $"program '{p.Name}'");
                break;
            case ObjectSet:
                if (!Object.IsLoaded)
                {
                    WriteBpfError(new BpfNotLoadedException($"object '{Object.Name}'"), Object.Name);
                    break;
                }

                foreach (var p in Object.Programs.Where(p => p.Id is not null)) AddLoaded(p, $"program '{p.Name}'");
                break;
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (!Resolve()) return;
        if (_ids.Count == 0)
        {
            WriteVerbose("No program to measure.");
            return;
        }

        BpfProgramSampler sampler;
        try
        {
            sampler = BpfProgramSampler.Start(_ids);
        }
        catch (BpfSyscallException e) when (e.Command == BpfCommand.EnableStats && !e.IsPermissionDenied)
        {
            WriteBpfError(e, new BpfErrorInfo(BpfErrorIds.InspectionFailed, BpfErrorCategory.ReadError, $"Cannot turn on run-time statistics: {e.Message}"), "statistics");
            return;
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, "statistics");
            return;
        }

        using (sampler)
        {
            WriteVerbose($"Run-time statistics on; measuring {sampler.ProgramIds.Count} program(s) every {Interval} s, {(Count == 0 ? "until stopped" : $"{Count} sample(s)")}.");
            Sample(sampler);
        }

        WriteVerbose("Run-time statistics released.");
    }

    private void Sample(BpfProgramSampler sampler)
    {
        long start = Stopwatch.GetTimestamp();
        var interval = TimeSpan.FromSeconds(Interval);
        int reported = 0;
        for (int n = 1; Count == 0 || n <= Count; n++)
        {
            // a fixed cadence from the start, so slow reads do not stretch the run
            var wait = interval * n - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero && CancellationToken.WaitHandle.WaitOne(wait)) return;
            if (CancellationToken.IsCancellationRequested) return;

            IReadOnlyList<BpfProgramSample> samples;
            try
            {
                samples = sampler.Sample();
            }
            catch (Exception e) when (!IsStopException(e))
            {
                WriteBpfError(e, "statistics");
                return;
            }

            foreach (var s in samples) WriteObject(s);
            for (; reported < sampler.Gone.Count; reported++) WriteVerbose($"Program {sampler.Gone[reported]} is gone; no longer measured.");
            if (Count > 0)
            {
                WriteProgress(new ProgressRecord(1, "Measuring BPF programs", $"Sample {n} of {Count}")
                {
                    PercentComplete = n * 100 / Count,
                    RecordType = n == Count ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                });
            }

            if (sampler.ProgramIds.Count == 0) return;
        }
    }

    /// <summary>The programs to measure, in <see cref="_ids"/>; false when listing the kernel failed.</summary>
    private bool Resolve()
    {
        IEnumerable<BpfProgramInfo> found;
        try
        {
            found = ParameterSetName != KernelSet ? []
                : _byId ? FoundById(BpfInspection.GetPrograms(_askedIds, includePids: false, includePinnedPaths: false), "program")
                : BpfInspection.GetPrograms(includePids: false, includePinnedPaths: false);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteInspectionError(e, "program");
            return false;
        }

        foreach (var p in found)
        {
            if (_names.IsMatch(p.Name) && (Type is null || Type.Contains(p.Type)) && !_ids.Contains(p.Id)) _ids.Add(p.Id);
        }

        foreach (var n in _names.Unmatched) WriteNotFound("program", n, ParameterSetName == KernelSet && !_byId ? "in the kernel" : "among the programs given");
        return true;
    }

    private void AddLoaded(BpfProgram p, string what)
    {
        if (p.Id is not { } id)
        {
            WriteBpfError(new BpfNotLoadedException(what), p.Name);
            return;
        }

        // the object's own name for the program (the kernel keeps 15 characters of it)
        if (_names.IsMatch(p.Name) && (Type is null || Type.Contains(p.Type)) && !_ids.Contains(id)) _ids.Add(id);
    }
}
