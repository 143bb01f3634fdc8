using System.Collections;
using System.Management.Automation.Runspaces;

namespace PSBpf.Completion;

/// <summary>
/// Completes record type names (Receive-BpfRingBuffer -Type): those the bound -Header/-TypeDefinition declare, else the
/// struct, union and typedef names of the BTF of the bound -Map's object.
/// </summary>
public sealed class RecordTypeCompleter : BoundValueCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Candidates(string word, IDictionary bound)
    {
        if (Bound(bound, "Header") is string or null && Bound(bound, "TypeDefinition") is string or null &&
            (Bound(bound, "Header") ?? Bound(bound, "TypeDefinition")) is not null)
        {
            // relative headers as the cmdlet resolves them: against PowerShell's location, not the process's
            string directory = Runspace.DefaultRunspace?.SessionStateProxy.Path.CurrentFileSystemLocation.ProviderPath ?? Environment.CurrentDirectory;
            return CompletionCandidates.HeaderTypeNames(word, Bound(bound, "Header") as string, Bound(bound, "TypeDefinition") as string, directory);
        }

        return CompletionCandidates.RecordTypeNames(word, Bound(bound, "Map", "InputObject", "Object", PipelineKey));
    }
}
