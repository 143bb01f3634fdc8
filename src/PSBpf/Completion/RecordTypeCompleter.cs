using System.Collections;

namespace PSBpf.Completion;

/// <summary>Completes BTF struct, union and typedef names (Receive-BpfRingBuffer -Type) from the BTF of the bound -Map's object.</summary>
public sealed class RecordTypeCompleter : BoundValueCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Candidates(string word, IDictionary bound) =>
        CompletionCandidates.RecordTypeNames(word, Bound(bound, "Map", "InputObject", "Object", PipelineKey));
}
