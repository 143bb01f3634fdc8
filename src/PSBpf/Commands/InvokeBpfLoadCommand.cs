using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Invoke-BpfLoad: the load phase. Uploads the object's BTF, creates its maps (pinning those marked for it),
/// applies relocations and loads every program through the verifier, as libbpf's bpf_object__load does.
/// On failure nothing stays in the kernel. Writes the loaded object, so the pipeline can go on to attach.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BpfLoad", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BpfObject))]
public sealed class InvokeBpfLoadCommand : BpfCmdletBase
{
    /// <summary>The object to load, from Import-BpfObject.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfObject InputObject { get; set; } = null!;

    /// <summary>Directory on a bpffs mount for maps with pinning = LIBBPF_PIN_BY_NAME (default /sys/fs/bpf).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PinPath { get; set; }

    /// <summary>Verifier log level for successful loads: 1 log, 2 verbose log, 4 statistics (combinable). Failed loads always get a log.</summary>
    [Parameter]
    [ValidateRange(0, 7)]
    public uint LogLevel { get; set; }

    /// <summary>
    /// The program whose global functions the object's freplace programs replace (each the function its
    /// SEC("freplace/NAME") names): a loaded program of this session, a program from Get-BpfProgram, or a kernel program id.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public PSObject? TargetProgram { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var obj = InputObject;
        string what = $"BPF object '{obj.Name}' ({obj.Programs.Count(p => p.AutoLoad)} programs, {obj.Maps.Count} maps)";
        if (!ShouldProcess(what, "Load into the kernel"))
        {
            return;
        }

        if (obj.IsLoaded)
        {
            WriteError(BpfErrorRecordFactory.Create(
                new InvalidOperationException($"BPF object '{obj.Name}' is already loaded."),
                new BpfErrorInfo(BpfErrorIds.AlreadyLoaded, BpfErrorCategory.InvalidOperation, $"BPF object '{obj.Name}' is already loaded; an object loads once. Import it again for a second copy."),
                obj));
            return;
        }

        if (TargetProgram is not null && !SetTargets(obj)) return;
        var options = new BpfLoadOptions
        {
            PinRoot = PinPath is null ? "/sys/fs/bpf" : SessionState.Path.GetUnresolvedProviderPathFromPSPath(PinPath),
            LogLevel = LogLevel,
            Log = WriteVerbose,
            Progress = p => WriteProgress(new ProgressRecord(1, $"Loading {obj.Name}", $"{(p.Stage == "maps" ? "Creating map" : "Loading program")} {p.Item}")
            {
                PercentComplete = p.Total == 0 ? 100 : p.Completed * 100 / p.Total,
            }),
        };

        try
        {
            obj.Load(options);
        }
        catch (BpfVerifierException e)
        {
            WriteVerbose($"Verifier log of '{e.ProgramName}':{Environment.NewLine}{e.VerifierLog}");
            WriteBpfError(e, obj);
            return;
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, obj);
            return;
        }
        finally
        {
            WriteProgress(new ProgressRecord(1, $"Loading {obj.Name}", "Done") { RecordType = ProgressRecordType.Completed });
        }

        Module.ModuleObjects.Current.Add(obj); // released on Remove-Module unless Remove-BpfObject comes first

        foreach (var p in obj.Programs.Where(p => p.VerifierLog is not null))
        {
            WriteVerbose($"Verifier log of '{p.Name}':{Environment.NewLine}{p.VerifierLog}");
        }

        WriteObject(Output.BpfObjectWrapper.Wrap(obj));
    }

    /// <summary>-TargetProgram on every freplace program without a target of its own (bpf_program__set_attach_target).</summary>
    private bool SetTargets(BpfObject obj)
    {
        var freplace = obj.Programs.Where(p => p.Type == BpfProgramType.ext && !p.HasAttachProgram && !p.IsSubprogram).ToList();
        if (freplace.Count == 0)
        {
            WriteWarning($"-TargetProgram is unused: BPF object '{obj.Name}' has no freplace program without a target.");
            return true;
        }

        try
        {
            switch (TargetProgram!.BaseObject)
            {
                case BpfProgram program:
                    foreach (var p in freplace) p.SetAttachTarget(program);
                    break;
                case BpfProgramInfo info:
                    foreach (var p in freplace) p.SetAttachTarget(info.Id);
                    break;
                case var id when LanguagePrimitives.TryConvertTo(id, out uint programId):
                    foreach (var p in freplace) p.SetAttachTarget(programId);
                    break;
                default:
                    throw new ArgumentException($"-TargetProgram takes a BpfProgram, a program from Get-BpfProgram or a program id, not '{TargetProgram}' ({TargetProgram.BaseObject.GetType().Name})", nameof(TargetProgram));
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            WriteError(BpfErrorRecordFactory.Create(e, new BpfErrorInfo(BpfErrorIds.ValueInvalid, BpfErrorCategory.InvalidArgument, e.Message), TargetProgram));
            return false;
        }

        return true;
    }
}
