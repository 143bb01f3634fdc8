using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Engine.Btf;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// -Header and -TypeDefinition of the cmdlets that take a type by name: the C declarations read into BTF (once per
/// command), and a named type looked up in them, with the errors for headers that cannot be read and names they lack.
/// </summary>
internal static class HeaderTypes
{
    /// <summary>
    /// The declarations of <paramref name="headers"/> (PowerShell paths) and <paramref name="definition"/> (may be null), or
    /// null after writing the error: BpfObjectNotFound for a missing header, BpfHeaderInvalid for what the parser refuses.
    /// </summary>
    public static BtfCHeader? Read(PSCmdlet cmdlet, string[]? headers, string? definition, Action<Exception, BpfErrorInfo?, object?> error)
    {
        var paths = new List<string>();
        foreach (var h in headers ?? [])
        {
            string full;
            try
            {
                full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(h);
            }
            catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSNotSupportedException or PSArgumentException)
            {
                error(e, new BpfErrorInfo(BpfErrorIds.PathNotFileSystem, BpfErrorCategory.InvalidArgument, $"Cannot use '{h}' as a C header path: {e.Message}"), h);
                return null;
            }

            if (!File.Exists(full))
            {
                error(new FileNotFoundException($"C header '{full}' not found", full),
                    new BpfErrorInfo(BpfErrorIds.ObjectNotFound, BpfErrorCategory.ObjectNotFound, $"Cannot find C header '{h}' because it does not exist."), h);
                return null;
            }

            paths.Add(full);
        }

        try
        {
            var options = new BtfCHeaderOptions { DefinitionDirectory = cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath };
            return BtfCHeader.Parse(paths, definition, options);
        }
        catch (Exception e) when (e is BpfHeaderException or IOException or UnauthorizedAccessException or BpfFormatException)
        {
            error(e, null, e is BpfHeaderException b ? b.FileName : paths.FirstOrDefault());
            return null;
        }
    }

    /// <summary>
    /// The type <paramref name="name"/> names in <paramref name="header"/>; without a name, the one struct or union the
    /// declarations define. Null after writing BpfTypeNotFound.
    /// </summary>
    public static BtfType? Find(BtfCHeader header, string? name, string parameter, Action<Exception, BpfErrorInfo?, object?> error)
    {
        string where = header.Files.Count > 0 ? $"C header '{header.Files[0]}'{(header.Files.Count > 1 ? $" (and {header.Files.Count - 1} more)" : string.Empty)}" : "the -TypeDefinition text";
        string known = string.Join(", ", header.Types.Where(t => t.Kind is BtfKind.Struct or BtfKind.Union or BtfKind.Typedef).Select(t => t.Name));
        if (name is null)
        {
            var records = header.Types.Where(t => t.Kind is BtfKind.Struct or BtfKind.Union).ToList();
            if (records.Count == 1) return records[0];
            string message = $"{char.ToUpperInvariant(where[0])}{where[1..]} declares {(records.Count == 0 ? "no struct or union" : $"{records.Count} structs and unions ({known})")}; name the one to use with -{parameter}.";
            error(new ArgumentException(message, parameter), new BpfErrorInfo(BpfErrorIds.TypeNotFound, BpfErrorCategory.ObjectNotFound, message), null);
            return null;
        }

        if (header.Find(name) is { } t) return t;
        string notFound = $"{char.ToUpperInvariant(where[0])}{where[1..]} declares no struct, union, enum or typedef named '{name}'.";
        error(new KeyNotFoundException(notFound), new BpfErrorInfo(BpfErrorIds.TypeNotFound, BpfErrorCategory.ObjectNotFound, notFound,
            known.Length == 0 ? null : $"It declares: {known}."), name);
        return null;
    }
}
