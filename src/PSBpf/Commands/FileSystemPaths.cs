using System.Management.Automation;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Resolves -Path (wildcards) and -LiteralPath values to file-system paths through the provider, writing the cmdlet's
/// errors for values that match nothing or are not on the FileSystem provider.
/// </summary>
internal static class FileSystemPaths
{
    /// <param name="cmdlet">The cmdlet whose session state resolves the path.</param>
    /// <param name="path">One -Path or -LiteralPath value.</param>
    /// <param name="literal">True for -LiteralPath (no wildcard expansion).</param>
    /// <param name="error">Writes an error (exception, explicit info or null to classify it, target).</param>
    /// <param name="parameterName">ParamName of the not-on-FileSystem exception, when the cmdlet names one.</param>
    public static List<string> Resolve(PSCmdlet cmdlet, string path, bool literal, Action<Exception, BpfErrorInfo?, object?> error, string? parameterName = null)
    {
        var files = new List<string>();
        try
        {
            ProviderInfo provider;
            if (literal)
            {
                var file = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                if (IsFileSystem(provider, path, error, parameterName)) files.Add(file);
            }
            else
            {
                var resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out provider);
                if (IsFileSystem(provider, path, error, parameterName)) files.AddRange(resolved);
                if (resolved.Count == 0) cmdlet.WriteVerbose($"No file matches '{path}'.");
            }
        }
        catch (ItemNotFoundException e)
        {
            error(new FileNotFoundException(e.Message, path, e), null, path);
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSNotSupportedException or PSArgumentException)
        {
            error(e, new BpfErrorInfo(BpfErrorIds.PathNotFileSystem, BpfErrorCategory.InvalidArgument, $"Cannot use '{path}' as an object file path: {e.Message}"), path);
        }

        return files;
    }

    private static bool IsFileSystem(ProviderInfo provider, string path, Action<Exception, BpfErrorInfo?, object?> error, string? parameterName)
    {
        if (string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase)) return true;
        error(
            new PSArgumentException($"'{path}' is a {provider.Name} provider path; BPF object files must be on the FileSystem provider.", parameterName),
            new BpfErrorInfo(BpfErrorIds.PathNotFileSystem, BpfErrorCategory.InvalidArgument,
                $"Cannot open '{path}': it resolves to the {provider.Name} provider, and BPF object files must be file-system paths."),
            path);
        return false;
    }
}
