using System.Management.Automation;
using PSBpf.Engine;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfProgram: the programs loaded in the kernel (like <c>bpftool prog show</c>), or the programs of one object.
/// Kernel-wide output is <see cref="BpfProgramInfo"/> (plain data: id, type, name, tag, sizes, map ids, holders);
/// with -Object it is the object's own <see cref="BpfProgram"/>s.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfProgram", DefaultParameterSetName = KernelSet)]
[OutputType(typeof(BpfProgramInfo), ParameterSetName = [KernelSet])]
[OutputType(typeof(BpfProgram), ParameterSetName = [ObjectSet])]
public sealed class GetBpfProgramCommand : InspectionCmdletBase
{
    private const string KernelSet = "Kernel";
    private const string ObjectSet = "Object";

    /// <summary>Program names (wildcards); the kernel keeps at most 15 characters of a name.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ProgramNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Kernel program ids.</summary>
    [Parameter(ParameterSetName = KernelSet)]
    [ValidateNotNullOrEmpty]
    public uint[]? Id { get; set; }

    /// <summary>Program types (bpftool names: xdp, tracepoint, sched_cls, …).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public BpfProgramType[]? Type { get; set; }

    /// <summary>An object from Import-BpfObject whose programs to list instead of the kernel's.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfObject Object { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var names = new NameFilter(Name);
        if (ParameterSetName == ObjectSet)
        {
            foreach (var p in Object.Programs.Where(p => names.IsMatch(p.Name) && TypeMatches(p.Type)))
            {
                WriteObject(p);
            }

            foreach (var n in names.Unmatched) WriteNotFound("program", n, $"in object '{Object.Name}'");
            return;
        }

        IEnumerable<BpfProgramInfo> programs;
        try
        {
            programs = Id is null ? BpfInspection.GetPrograms() : ById();
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteInspectionError(e, "program");
            return;
        }

        foreach (var p in programs)
        {
            if (CancellationToken.IsCancellationRequested) return;
            if (names.IsMatch(p.Name) && TypeMatches(p.Type)) WriteObject(p);
        }

        foreach (var n in names.Unmatched) WriteNotFound("program", n, "in the kernel");
    }

    private List<BpfProgramInfo> ById() => FoundById(BpfInspection.GetPrograms(Id!), "program");

    private bool TypeMatches(BpfProgramType type) => Type is null || Type.Contains(type);
}
