using System.Management.Automation;

namespace PSBpf.Module;

/// <summary>
/// Runs on <c>Remove-Module PSBpf</c> (PowerShell 6+ calls IModuleAssemblyCleanup.OnRemove of the root module's
/// assembly): every object the module loaded in this runspace and that is still open is disposed, which detaches its links
/// and closes its maps, programs and BTF. Pins stay, as on Remove-BpfObject without -Unpin. What is left at process exit
/// is freed by the SafeHandles.
/// </summary>
public sealed class PSBpfModuleCleanup : IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        // failures cannot be reported from here (no pipeline); each object is still tried, and the rest goes at process exit
        ModuleObjects.Current.ReleaseAll();
    }
}
