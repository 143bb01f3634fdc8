using System.Collections;
using PSBpf.Engine;

namespace PSBpf.Completion;

/// <summary>Completes map names: of the object bound to -InputObject/-Object (or a bound -Map's object), else the kernel's.</summary>
public sealed class MapNameCompleter : BoundValueCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Candidates(string word, IDictionary bound) =>
        CompletionCandidates.MapNames(word, Bound(bound, "InputObject", "Object", "Map", PipelineKey),
            () => BpfInspection.GetMaps(includePids: false, includePinnedPaths: false).Select(m => m.Name));
}
