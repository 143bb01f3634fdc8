using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>Error reporting shared by Get-BpfProgram, Get-BpfMap and Get-BpfLink.</summary>
public abstract class InspectionCmdletBase : BpfCmdletBase
{
    /// <summary>Writes BpfKernelObjectNotFound for an id or name nothing in the kernel (or the object) has.</summary>
    /// <param name="what">"program", "map" or "link".</param>
    /// <param name="key">The id or name looked for.</param>
    /// <param name="where">Where it was looked for, e.g. "in the kernel".</param>
    protected void WriteNotFound(string what, object key, string where)
    {
        string message = $"No BPF {what} {(key is string ? "named" : "with id")} '{key}' {where}.";
        WriteBpfError(new KernelObjectNotFoundException(message), new BpfErrorInfo(BpfErrorIds.KernelObjectNotFound, BpfErrorCategory.ObjectNotFound, message), key);
    }

    /// <summary>Reports a failed kernel listing: missing privileges as BpfPermissionDenied, anything else as BpfInspectionFailed.</summary>
    protected void WriteInspectionError(Exception exception, string what)
    {
        if (exception is BpfSyscallException { IsPermissionDenied: false } s)
        {
            WriteBpfError(s, new BpfErrorInfo(BpfErrorIds.InspectionFailed, BpfErrorCategory.ReadError, $"Cannot list BPF {what}s: {s.Message}"), what);
            return;
        }

        WriteBpfError(exception, what);
    }

    /// <summary>The exception behind BpfKernelObjectNotFound errors (PowerShell's ItemNotFoundException is about provider paths).</summary>
    private sealed class KernelObjectNotFoundException(string message) : Exception(message);

    /// <summary>The objects with the -Id values, found with one scan; writes BpfKernelObjectNotFound for each missing id.</summary>
    private protected List<T> FoundById<T>(IReadOnlyList<(uint Id, T? Info)> results, string what)
        where T : class
    {
        var found = new List<T>();
        foreach (var (id, info) in results)
        {
            if (info is not null) found.Add(info);
            else WriteNotFound(what, id, "in the kernel");
        }

        return found;
    }
}
