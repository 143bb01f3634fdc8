using PSBpf.HelpGen;

namespace PSBpf.Module.Tests;

/// <summary>The docs/&lt;Cmdlet&gt;.md pages, parsed with the help generator's parser.</summary>
internal static class CmdletDocs
{
    public static string PagePath(string cmdlet) => Path.Combine(TestPaths.Docs, cmdlet + ".md");

    public static CommandHelp? Load(string cmdlet)
    {
        var path = PagePath(cmdlet);
        return File.Exists(path) ? CommandHelpParser.Parse(File.ReadAllText(path), path) : null;
    }

    /// <summary>platyPS's spelling of a parameter type: the short name (String[], SwitchParameter, Nullable`1 → Int32).</summary>
    public static string PlatyTypeName(Type type)
    {
        if (type.IsArray) return PlatyTypeName(type.GetElementType()!) + "[]";
        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1") return PlatyTypeName(type.GetGenericArguments()[0]);
        return type.Name;
    }

    /// <summary>platyPS's "Accept pipeline input" text for a parameter set binding.</summary>
    public static string PipelineInput(ParameterSetBinding set) => (set.ValueFromPipeline, set.ValueFromPipelineByPropertyName) switch
    {
        (true, true) => "True (ByPropertyName, ByValue)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };
}
