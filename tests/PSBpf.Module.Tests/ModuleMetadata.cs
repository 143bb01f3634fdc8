using System.Collections.ObjectModel;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PSBpf.Module.Tests;

/// <summary>
/// PSBpf.dll, PSBpf.Engine.dll and System.Management.Automation loaded reflection-only (MetadataLoadContext), for the
/// static checks of declarations against docs/ and the manifest (PowerShellStandard.Library is a reference assembly
/// that cannot run). Behaviour is tested in pwsh by the Pester suites in tests/*.Tests.ps1.
/// One context for the whole test run; types from it compare only with types from it (use <see cref="CoreType"/>).
/// </summary>
internal sealed class ModuleMetadata
{
    private const string Sma = "System.Management.Automation.";
    private static readonly Lazy<ModuleMetadata> s_instance = new(() => new ModuleMetadata());

    private ModuleMetadata()
    {
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Where(p => !Path.GetFileName(p).StartsWith("PSBpf", StringComparison.Ordinal))
            .Append(TestPaths.ModuleAssembly)
            .Append(TestPaths.EngineAssembly)
            .Append(TestPaths.SystemManagementAutomation);
        Context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        Module = Context.LoadFromAssemblyPath(TestPaths.ModuleAssembly);
        Engine = Context.LoadFromAssemblyPath(TestPaths.EngineAssembly);
        Automation = Context.LoadFromAssemblyPath(TestPaths.SystemManagementAutomation);
        Cmdlets = Module.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && Attribute(t, "CmdletAttribute") is not null)
            .Select(ReadCmdlet)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public static ModuleMetadata Instance => s_instance.Value;

    public MetadataLoadContext Context { get; }
    public Assembly Module { get; }
    public Assembly Engine { get; }
    public Assembly Automation { get; }
    public IReadOnlyList<CmdletModel> Cmdlets { get; }

    /// <summary>A type of the runtime (System.Private.CoreLib and friends) in this context.</summary>
    public Type CoreType(string fullName) =>
        new[] { Context.CoreAssembly! }.Concat(Context.GetAssemblies())
            .Select(a => a.GetType(fullName)).FirstOrDefault(t => t is not null)
        ?? Context.LoadFromAssemblyName("System.Runtime").GetType(fullName, throwOnError: true)!;

    /// <summary>A type of PSBpf.dll or PSBpf.Engine.dll by full name, or null.</summary>
    public Type? ModuleType(string fullName) => Module.GetType(fullName) ?? Engine.GetType(fullName);

    public CmdletModel Cmdlet(string name) => Cmdlets.Single(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    private static CustomAttributeData? Attribute(MemberInfo member, string name) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Sma + name);

    private static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string name) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + name);

    private static T? Named<T>(CustomAttributeData a, string name) =>
        a.NamedArguments.Where(n => n.MemberName == name).Select(n => (T?)n.TypedValue.Value).FirstOrDefault();

    private static IEnumerable<object?> ParamsArray(CustomAttributeData a) =>
        a.ConstructorArguments.SelectMany(arg => arg.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items
            ? items.Select(i => i.Value)
            : [arg.Value]);

    private static CmdletModel ReadCmdlet(Type type)
    {
        var cmdlet = Attribute(type, "CmdletAttribute")!;
        var outputs = Attributes(type, "OutputTypeAttribute").SelectMany(ParamsArray).ToList();
        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Sets: Attributes(p, "ParameterAttribute").ToList()))
            .Where(p => p.Sets.Count > 0)
            .Select(p => new ParameterModel(
                p.Property.Name,
                p.Property.PropertyType,
                Attributes(p.Property, "AliasAttribute").SelectMany(ParamsArray).Cast<string>().ToList(),
                Attribute(p.Property, "SupportsWildcardsAttribute") is not null,
                p.Sets.Select(s => new ParameterSetBinding(
                    Named<string>(s, "ParameterSetName") ?? ParameterSetBinding.AllSets,
                    Named<bool>(s, "Mandatory"),
                    Named<int?>(s, "Position") is int pos && pos != int.MinValue ? pos : null,
                    Named<bool>(s, "ValueFromPipeline"),
                    Named<bool>(s, "ValueFromPipelineByPropertyName"))).ToList()))
            .ToList();

        // SupportsShouldProcess gives the cmdlet -WhatIf and -Confirm, which its page documents like any other parameter.
        bool shouldProcess = Named<bool>(cmdlet, "SupportsShouldProcess");
        if (shouldProcess)
        {
            var switchType = cmdlet.AttributeType.Assembly.GetType("System.Management.Automation.SwitchParameter", throwOnError: true)!;
            parameters.Add(new ParameterModel("WhatIf", switchType, ["wi"], false, [new ParameterSetBinding(ParameterSetBinding.AllSets, false, null, false, false)]));
            parameters.Add(new ParameterModel("Confirm", switchType, ["cf"], false, [new ParameterSetBinding(ParameterSetBinding.AllSets, false, null, false, false)]));
        }

        return new CmdletModel(
            type,
            (string)cmdlet.ConstructorArguments[0].Value!,
            (string)cmdlet.ConstructorArguments[1].Value!,
            Named<string>(cmdlet, "DefaultParameterSetName"),
            outputs.OfType<Type>().ToList(),
            outputs.OfType<string>().ToList(),
            parameters,
            shouldProcess);
    }
}
