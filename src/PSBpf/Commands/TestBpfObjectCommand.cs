using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Test-BpfObject: veristat as a cmdlet. Asks the kernel's verifier about every program of an object file (or of an
/// opened, not loaded, object from Import-BpfObject), each program on its own, and writes one
/// <see cref="BpfProgramVerification"/> per program: accepted or not, instructions processed, states, verification time,
/// stack depth, and the verifier log of refused programs. Nothing is attached, pinned or left loaded.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BpfObject", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BpfProgramVerification))]
public sealed class TestBpfObjectCommand : BpfCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string ObjectSet = "InputObject";

    /// <summary>Paths of object files; wildcards are expanded by the provider.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Paths used exactly as typed; binds the PSPath of Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>An opened (not loaded) object from Import-BpfObject; globals set on it apply to the verification.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfObject InputObject { get; set; } = null!;

    /// <summary>Verifies only the programs with these names (wildcards allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(Completion.ProgramNameCompleter))]
    public string[]? Program { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ObjectSet)
        {
            Verify(InputObject, InputObject.Name);
            return;
        }

        bool literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            foreach (var file in FileSystemPaths.Resolve(this, path, literal, WriteBpfError))
            {
                if (CancellationToken.IsCancellationRequested) return;
                if (Directory.Exists(file))
                {
                    WriteBpfError(
                        new IOException($"'{file}' is a directory."),
                        new BpfErrorInfo(BpfErrorIds.PathIsDirectory, BpfErrorCategory.InvalidArgument, $"Cannot verify '{file}': it is a directory, not a BPF object file."),
                        file);
                    continue;
                }

                BpfObject obj;
                try
                {
                    obj = BpfObject.Open(file);
                }
                catch (Exception e) when (!IsStopException(e))
                {
                    WriteBpfError(e, file);
                    continue;
                }

                using (obj) Verify(obj, file);
            }
        }
    }

    private void Verify(BpfObject obj, string target)
    {
        if (obj.IsLoaded)
        {
            WriteBpfError(
                new InvalidOperationException($"BPF object '{obj.Name}' is loaded."),
                new BpfErrorInfo(BpfErrorIds.AlreadyLoaded, BpfErrorCategory.InvalidOperation,
                    $"BPF object '{obj.Name}' is already loaded; Test-BpfObject verifies objects that are only opened.",
                    "Import the file again (Import-BpfObject) and pipe the new object, or pass -Path."),
                obj);
            return;
        }

        var filter = new NameFilter(Program);
        var names = obj.Programs.Names.Where(filter.IsMatch).ToList();
        foreach (var missing in filter.Unmatched)
        {
            WriteBpfError(
                new KeyNotFoundException($"object '{obj.Name}' has no program named '{missing}'"),
                new BpfErrorInfo(BpfErrorIds.ProgramNotFound, BpfErrorCategory.ObjectNotFound,
                    $"BPF object '{obj.Name}' has no program named '{missing}'; it has: {string.Join(", ", obj.Programs.Names)}."),
                missing);
        }

        if (names.Count == 0) return;
        WriteVerbose($"Verifying {names.Count} program(s) of '{obj.Name}'.");
        IReadOnlyList<BpfProgramVerification> rows;
        try
        {
            rows = BpfVerification.Verify(obj, names);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, target);
            return;
        }

        foreach (var row in rows)
        {
            if (!row.Accepted) WriteVerbose($"Program '{row.Program}' refused: {row.Error}");
            WriteObject(row);
        }
    }
}
