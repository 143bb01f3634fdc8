using System.Management.Automation;
using PSBpf.Engine;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfMap: the maps in the kernel (like <c>bpftool map show</c>), or the maps of one object.
/// Kernel-wide output is <see cref="BpfMapInfo"/> (plain data); with -Object it is the object's own <see cref="BpfMap"/>s.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfMap", DefaultParameterSetName = KernelSet)]
[OutputType(typeof(BpfMapInfo), ParameterSetName = [KernelSet])]
[OutputType(typeof(BpfMap), ParameterSetName = [ObjectSet])]
public sealed class GetBpfMapCommand : InspectionCmdletBase
{
    private const string KernelSet = "Kernel";
    private const string ObjectSet = "Object";

    /// <summary>Map names (wildcards); the kernel keeps at most 15 characters of a name.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.MapNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Kernel map ids.</summary>
    [Parameter(ParameterSetName = KernelSet)]
    [ValidateNotNullOrEmpty]
    public uint[]? Id { get; set; }

    /// <summary>Map types (bpftool names: hash, array, ringbuf, …).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public BpfMapType[]? Type { get; set; }

    /// <summary>An object from Import-BpfObject whose maps to list instead of the kernel's.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfObject Object { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var names = new NameFilter(Name);
        if (ParameterSetName == ObjectSet)
        {
            foreach (var m in Object.Maps.Where(m => names.IsMatch(m.Name) && TypeMatches(m.Type)))
            {
                WriteObject(m);
            }

            foreach (var n in names.Unmatched) WriteNotFound("map", n, $"in object '{Object.Name}'");
            return;
        }

        IEnumerable<BpfMapInfo> maps;
        try
        {
            maps = Id is null ? BpfInspection.GetMaps() : ById();
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteInspectionError(e, "map");
            return;
        }

        foreach (var m in maps)
        {
            if (CancellationToken.IsCancellationRequested) return;
            if (names.IsMatch(m.Name) && TypeMatches(m.Type)) WriteObject(m);
        }

        foreach (var n in names.Unmatched) WriteNotFound("map", n, "in the kernel");
    }

    private List<BpfMapInfo> ById() => FoundById(BpfInspection.GetMaps(Id!), "map");

    private bool TypeMatches(BpfMapType type) => Type is null || Type.Contains(type);
}
