using System.Collections;
using PSBpf.Engine;

namespace PSBpf.Completion;

/// <summary>Completes program names: of the object bound to -InputObject/-Object (or the file of -Path/-LiteralPath), else the kernel's.</summary>
public sealed class ProgramNameCompleter : BoundValueCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Candidates(string word, IDictionary bound) =>
        CompletionCandidates.ProgramNames(word, Bound(bound, "InputObject", "Object", "Path", "LiteralPath", PipelineKey) ?? (Bound(bound, "Program") as BpfProgram),
            () => BpfInspection.GetPrograms(includePids: false, includePinnedPaths: false).Select(p => p.Name));
}
