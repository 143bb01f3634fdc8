using System.Reflection;
using PSBpf.Engine;

namespace PSBpf.Module.Tests;

/// <summary>
/// The engine behaviour Import-BpfObject builds on. How the by-name members behave in PowerShell ($o.Globals.x = v,
/// $o.Programs.name) is tested in pwsh: tests/PSBpf.Interactive.Tests.ps1.
/// </summary>
public sealed class WrapperShapeTests
{
    private static ModuleMetadata M => ModuleMetadata.Instance;

    [Fact]
    public void Opening_with_a_name_renames_the_object_and_its_data_maps()
    {
        // Import-BpfObject -Name: BpfObject.Open(bytes, name).
        var bytes = File.ReadAllBytes(TestPaths.Fixture("minimal.bpf.o"));
        using var obj = BpfObject.Open(bytes, "tracer");
        Assert.Equal("tracer", obj.Name);
        Assert.Null(obj.Path);
        Assert.Contains("tracer.bss", obj.Maps.Names);
    }

    [Fact]
    public void The_object_name_comes_from_the_file_name_up_to_the_first_dot()
    {
        Assert.Equal("minimal", BpfObject.ObjectNameFromPath("/x/minimal.bpf.o"));
        Assert.Equal("odd[1]", BpfObject.ObjectNameFromPath("/x/odd[1].bpf.o"));
    }

    [Fact]
    public void Public_properties_of_the_output_types_form_no_cycle_back_to_the_object()
    {
        // ConvertTo-Json and the serializer walk public properties; none may lead back to the BpfObject.
        var bpfObject = M.ModuleType("PSBpf.Engine.BpfObject")!;
        foreach (var name in new[] { "PSBpf.Engine.BpfProgram", "PSBpf.Engine.BpfMap", "PSBpf.Engine.BpfGlobal", "PSBpf.Engine.BpfExtern" })
        {
            var type = M.ModuleType(name)!;
            Assert.DoesNotContain(type.GetProperties(BindingFlags.Public | BindingFlags.Instance), p => p.PropertyType == bpfObject);
        }
    }
}
