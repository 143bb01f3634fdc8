using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// Import-BpfObject: opens BPF object files (*.bpf.o) — the open phase; nothing enters the kernel.
/// Each file's ELF and BTF are read into a <see cref="BpfObject"/> with its programs, maps, global variables and externs,
/// written to the pipeline with by-name members (see <see cref="BpfObjectWrapper"/>). Errors are per file and non-terminating.
/// </summary>
[Cmdlet(VerbsData.Import, "BpfObject", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BpfObject))]
public sealed class ImportBpfObjectCommand : BpfCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Paths of object files; wildcards are expanded by the provider.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Paths used exactly as typed (no wildcards); binds the PSPath of Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Object name to use instead of the one derived from the file name (libbpf's object_name open option).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            if (CancellationToken.IsCancellationRequested)
            {
                return;
            }

            foreach (var file in FileSystemPaths.Resolve(this, path, literal, WriteBpfError, nameof(Path)))
            {
                if (CancellationToken.IsCancellationRequested)
                {
                    return;
                }

                Open(file);
            }
        }
    }

    private void Open(string file)
    {
        if (Directory.Exists(file))
        {
            WriteBpfError(
                new IOException($"'{file}' is a directory."),
                new BpfErrorInfo(BpfErrorIds.PathIsDirectory, BpfErrorCategory.InvalidArgument, $"Cannot open '{file}': it is a directory, not a BPF object file."),
                file);
            return;
        }

        WriteVerbose($"Opening BPF object file '{file}'.");
        BpfObject obj;
        try
        {
            obj = BpfObject.Open(file, Name);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, file);
            return;
        }

        WriteVerbose($"Opened '{obj.Name}': {obj.Programs.Count} programs, {obj.Subprograms.Count} subprograms, {obj.Maps.Count} maps, {obj.Globals.Count} globals, {obj.Externs.Count} externs.");
        WriteObject(BpfObjectWrapper.Wrap(obj, WriteVerbose));
    }
}
