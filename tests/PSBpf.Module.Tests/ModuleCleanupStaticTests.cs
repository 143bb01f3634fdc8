namespace PSBpf.Module.Tests;

/// <summary>
/// Remove-Module PSBpf releases what the module loaded: PowerShell calls IModuleAssemblyCleanup.OnRemove on public types
/// of the root module's assembly that implement it (checked reflection-only; the registry itself is tested against the
/// kernel in the engine tests' ModuleCleanupTests).
/// </summary>
public sealed class ModuleCleanupStaticTests
{
    [Fact]
    public void The_module_assembly_has_a_public_IModuleAssemblyCleanup()
    {
        var m = ModuleMetadata.Instance;
        var cleanup = m.Automation.GetType("System.Management.Automation.IModuleAssemblyCleanup", throwOnError: true)!;
        var types = m.Module.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && t.GetInterfaces().Any(i => i.FullName == cleanup.FullName)).ToList();
        var type = Assert.Single(types);
        Assert.Equal("PSBpf.Module.PSBpfModuleCleanup", type.FullName);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes)); // PowerShell creates it with Activator.CreateInstance
    }
}
