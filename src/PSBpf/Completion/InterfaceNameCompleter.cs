using System.Collections;

namespace PSBpf.Completion;

/// <summary>Completes network interface names from /sys/class/net.</summary>
public sealed class InterfaceNameCompleter : BoundValueCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Candidates(string word, IDictionary bound) => CompletionCandidates.InterfaceNames(word);
}
