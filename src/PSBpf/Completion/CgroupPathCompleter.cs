using System.Collections;

namespace PSBpf.Completion;

/// <summary>Completes cgroup directories under /sys/fs/cgroup (or below a typed absolute path).</summary>
public sealed class CgroupPathCompleter : BoundValueCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Candidates(string word, IDictionary bound) => CompletionCandidates.CgroupPaths(word);
}
