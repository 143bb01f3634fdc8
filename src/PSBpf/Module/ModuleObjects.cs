using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using PSBpf.Engine;

namespace PSBpf.Module;

/// <summary>
/// The BpfObjects the module loaded, one registry per runspace: Remove-Module in one runspace releases that runspace's
/// objects only, and the registry of a runspace that is closed and collected goes with it (its handles are then freed by
/// their SafeHandle finalizers, as at process exit).
/// </summary>
public static class ModuleObjects
{
    private static readonly ConditionalWeakTable<Runspace, BpfObjectRegistry> ByRunspace = new();
    private static readonly BpfObjectRegistry WithoutRunspace = new();

    /// <summary>The registry of the runspace running on this thread.</summary>
    public static BpfObjectRegistry Current =>
        Runspace.DefaultRunspace is { } runspace ? ByRunspace.GetValue(runspace, _ => new BpfObjectRegistry()) : WithoutRunspace;
}
