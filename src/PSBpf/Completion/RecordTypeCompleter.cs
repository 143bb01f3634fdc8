using System.Collections;
using System.Management.Automation;
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
            string directory = CurrentLocation() ?? Environment.CurrentDirectory;
            return CompletionCandidates.HeaderTypeNames(word, Bound(bound, "Header") as string, Bound(bound, "TypeDefinition") as string, directory);
        }

        return CompletionCandidates.RecordTypeNames(word, Bound(bound, "Map", "InputObject", "Object", PipelineKey));
    }

    /// <summary>The session's file-system location: Get-Location in a nested pipeline of the runspace the completion runs in.</summary>
    private static string? CurrentLocation()
    {
        if (Runspace.DefaultRunspace is null) return null;
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
        return ps.Invoke<PathInfo>().FirstOrDefault()?.ProviderPath;
    }
}
