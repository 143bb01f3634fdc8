using System.Management.Automation;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Resolves -Path (wildcards) and -LiteralPath values to file-system paths through the provider, writing the cmdlet's
/// errors for values that match nothing or are not on the FileSystem provider.
/// </summary>
internal static class FileSystemPaths
{
    public static List<string> Resolve(PSCmdlet cmdlet, string path, bool literal, Action<Exception, BpfErrorInfo?, object?> error)
    {
        var files = new List<string>();
        try
        {
            ProviderInfo provider;
            if (literal)
            {
                var file = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                if (IsFileSystem(provider, path, error)) files.Add(file);
            }
            else
            {
                var resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out provider);
                if (IsFileSystem(provider, path, error)) files.AddRange(resolved);
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

    private static bool IsFileSystem(ProviderInfo provider, string path, Action<Exception, BpfErrorInfo?, object?> error)
    {
        if (string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase)) return true;
        error(
            new PSArgumentException($"'{path}' is a {provider.Name} provider path; BPF object files must be on the FileSystem provider."),
            new BpfErrorInfo(BpfErrorIds.PathNotFileSystem, BpfErrorCategory.InvalidArgument,
                $"Cannot open '{path}': it resolves to the {provider.Name} provider, and BPF object files must be file-system paths."),
            path);
        return false;
    }
}
