using System.Reflection;

namespace PSBpf.Module.Tests;

internal enum PipelineBindingKind
{
    ByValue,
    ByPropertyName,
}

/// <summary>One way a pipeline object can bind to a parameter of the downstream cmdlet.</summary>
internal sealed record PipelineBindingMatch(
    string Parameter,
    string ParameterSet,
    PipelineBindingKind Kind,
    string? Property,
    bool NeedsCoercion)
{
    /// <summary>PowerShell's order of attempts: by value as is, by property name as is, by value converted, by property name converted.</summary>
    public int Pass => (NeedsCoercion ? 2 : 0) + (Kind == PipelineBindingKind.ByValue ? 0 : 1);
}

/// <summary>
/// Static model of PowerShell's pipeline parameter binding, to check that one cmdlet's output feeds another:
/// a ValueFromPipeline parameter takes the object when its (element) type is assignable from the output type;
/// a ValueFromPipelineByPropertyName parameter takes it when a public property's name matches the parameter's name
/// or an alias. Converting binds come after exact ones; anything converts to string and object.
/// </summary>
/// <remarks>
/// Provider output needs one special case. PowerShell's providers add note properties to every item they write
/// (PSPath, PSParentPath, PSChildName, PSDrive, PSProvider, PSIsContainer); .NET's FileInfo has no PSPath property,
/// yet <c>Get-ChildItem | Import-BpfObject</c> binds -LiteralPath through its PSPath alias. Those names are passed
/// as extra note properties (<see cref="ProviderItemNoteProperties"/>) for FileSystemInfo output.
/// </remarks>
internal static class PipelineBinding
{
    /// <summary>Note properties PowerShell's providers add to each item (Get-ChildItem, Get-Item); all strings except PSDrive/PSProvider/PSIsContainer.</summary>
    public static readonly IReadOnlyList<string> ProviderItemNoteProperties = ["PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider", "PSIsContainer"];

    /// <summary>The note properties PowerShell adds to objects of <paramref name="outputType"/> when a provider writes them.</summary>
    public static IReadOnlyList<string> NotePropertiesFor(Type outputType, ModuleMetadata metadata)
    {
        var fileSystemInfo = metadata.CoreType("System.IO.FileSystemInfo");
        return fileSystemInfo.IsAssignableFrom(outputType) ? ProviderItemNoteProperties : [];
    }

    /// <summary>Every binding of an <paramref name="outputType"/> object to <paramref name="target"/>'s parameters.</summary>
    public static List<PipelineBindingMatch> Find(Type outputType, CmdletModel target, ModuleMetadata metadata, IEnumerable<string>? extraNoteProperties = null)
    {
        var stringType = metadata.CoreType("System.String");
        var objectType = metadata.CoreType("System.Object");
        var properties = outputType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => (p.Name, p.PropertyType))
            .Concat((extraNoteProperties ?? []).Select(n => (Name: n, PropertyType: n is "PSPath" or "PSParentPath" or "PSChildName" ? stringType : objectType)))
            .ToList();

        var matches = new List<PipelineBindingMatch>();
        foreach (var parameter in target.Parameters)
        {
            var element = parameter.ElementType;
            bool convertsAnything = element == stringType || element == objectType;
            foreach (var set in parameter.Sets)
            {
                if (set.ValueFromPipeline)
                {
                    if (element.IsAssignableFrom(outputType) || element == objectType)
                    {
                        matches.Add(new(parameter.Name, set.SetName, PipelineBindingKind.ByValue, null, false));
                    }
                    else if (convertsAnything)
                    {
                        matches.Add(new(parameter.Name, set.SetName, PipelineBindingKind.ByValue, null, true));
                    }
                }

                if (set.ValueFromPipelineByPropertyName)
                {
                    foreach (var (name, type) in properties.Where(p => parameter.Answers(p.Name)))
                    {
                        if (element.IsAssignableFrom(type) || element == objectType)
                        {
                            matches.Add(new(parameter.Name, set.SetName, PipelineBindingKind.ByPropertyName, name, false));
                        }
                        else if (convertsAnything)
                        {
                            matches.Add(new(parameter.Name, set.SetName, PipelineBindingKind.ByPropertyName, name, true));
                        }
                    }
                }
            }
        }

        return matches;
    }

    /// <summary>The binding PowerShell uses: the first match in its order of attempts (null when nothing binds).</summary>
    public static PipelineBindingMatch? Best(Type outputType, CmdletModel target, ModuleMetadata metadata, IEnumerable<string>? extraNoteProperties = null) =>
        Find(outputType, target, metadata, extraNoteProperties).OrderBy(m => m.Pass).FirstOrDefault();
}
