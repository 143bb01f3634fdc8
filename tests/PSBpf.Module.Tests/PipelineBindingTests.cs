namespace PSBpf.Module.Tests;

/// <summary>Which objects bind to which parameters when piped between cmdlets (static model, see <see cref="PipelineBinding"/>).</summary>
public sealed class PipelineBindingTests
{
    private static ModuleMetadata M => ModuleMetadata.Instance;

    [Fact]
    public void Get_ChildItem_output_binds_to_LiteralPath_through_PSPath()
    {
        // Get-ChildItem writes FileInfo objects; the FileSystem provider adds PSPath as a note property.
        var fileInfo = M.CoreType("System.IO.FileInfo");
        var notes = PipelineBinding.NotePropertiesFor(fileInfo, M);
        Assert.Contains("PSPath", notes);

        var best = PipelineBinding.Best(fileInfo, M.Cmdlet("Import-BpfObject"), M, notes);
        Assert.NotNull(best);
        Assert.Equal(("LiteralPath", "LiteralPath", PipelineBindingKind.ByPropertyName, "PSPath", false), (best!.Parameter, best.ParameterSet, best.Kind, best.Property, best.NeedsCoercion));
    }

    [Fact]
    public void Without_the_provider_note_properties_a_FileInfo_would_only_bind_by_string_conversion()
    {
        // The reason PSPath needs the special case: .NET's FileInfo has no PSPath (or Path) property.
        var fileInfo = M.CoreType("System.IO.FileInfo");
        var best = PipelineBinding.Best(fileInfo, M.Cmdlet("Import-BpfObject"), M);
        Assert.NotNull(best);
        Assert.True(best!.NeedsCoercion);
        Assert.Equal(PipelineBindingKind.ByValue, best.Kind);
    }

    [Fact]
    public void Strings_bind_to_Path_by_value()
    {
        var best = PipelineBinding.Best(M.CoreType("System.String"), M.Cmdlet("Import-BpfObject"), M);
        Assert.Equal(("Path", PipelineBindingKind.ByValue, false), (best!.Parameter, best.Kind, best.NeedsCoercion));
    }

    [Fact]
    public void A_BpfObject_binds_back_to_Path_through_its_Path_property()
    {
        // Documented under INPUTS: objects with a Path property re-open their file.
        var bpfObject = M.ModuleType("PSBpf.Engine.BpfObject")!;
        var best = PipelineBinding.Best(bpfObject, M.Cmdlet("Import-BpfObject"), M);
        Assert.Equal(("Path", PipelineBindingKind.ByPropertyName, "Path"), (best!.Parameter, best.Kind, best.Property));
    }

    [Fact]
    public void Import_BpfObject_output_pipes_into_Invoke_BpfLoad()
    {
        var output = M.ModuleType("PSBpf.Engine.BpfObject")!;
        var best = PipelineBinding.Best(output, M.Cmdlet("Invoke-BpfLoad"), M);
        Assert.Equal(("InputObject", PipelineBindingKind.ByValue), (best!.Parameter, best.Kind));
    }

    [Fact]
    public void Map_entries_pipe_back_into_Set_and_Remove()
    {
        var item = M.ModuleType("PSBpf.Output.BpfMapItem")!;
        foreach (var cmdlet in new[] { "Set-BpfMapEntry", "Remove-BpfMapEntry" })
        {
            var best = PipelineBinding.Best(item, M.Cmdlet(cmdlet), M);
            Assert.NotNull(best);
            Assert.Equal(PipelineBindingKind.ByPropertyName, best!.Kind);
        }

        var map = M.ModuleType("PSBpf.Engine.BpfMap")!;
        Assert.Equal(("Map", PipelineBindingKind.ByValue), (PipelineBinding.Best(map, M.Cmdlet("Get-BpfMapEntry"), M)!.Parameter, PipelineBinding.Best(map, M.Cmdlet("Get-BpfMapEntry"), M)!.Kind));
    }

    [Fact]
    public void Get_BpfMap_kernel_output_pipes_into_Get_BpfMapEntry_as_MapInfo()
    {
        // Get-BpfMap | Get-BpfMapEntry: the kernel listing's BpfMapInfo binds whole, by value
        var info = M.ModuleType("PSBpf.Engine.BpfMapInfo")!;
        var best = PipelineBinding.Best(info, M.Cmdlet("Get-BpfMapEntry"), M);
        Assert.Equal(("MapInfo", "MapInfo", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));
        // -Id takes no piped Id: a program's or link's Id piped in would name some other map
        foreach (var type in new[] { "PSBpf.Engine.BpfProgramInfo", "PSBpf.Engine.BpfLinkInfo" })
        {
            foreach (var cmdlet in new[] { "Get-BpfMapEntry", "Set-BpfMapEntry", "Remove-BpfMapEntry" })
            {
                Assert.DoesNotContain(PipelineBinding.Find(M.ModuleType(type)!, M.Cmdlet(cmdlet), M), m => m.Parameter == "Id");
            }
        }

        // an object map still binds to -Map, and entries (from object or kernel maps) go back through their Map property
        var map = M.ModuleType("PSBpf.Engine.BpfMap")!;
        best = PipelineBinding.Best(map, M.Cmdlet("Get-BpfMapEntry"), M);
        Assert.Equal(("Map", "Map", PipelineBindingKind.ByValue), (best!.Parameter, best.ParameterSet, best.Kind));
        var item = M.ModuleType("PSBpf.Output.BpfMapItem")!;
        foreach (var cmdlet in new[] { "Set-BpfMapEntry", "Remove-BpfMapEntry" })
        {
            var matches = PipelineBinding.Find(item, M.Cmdlet(cmdlet), M);
            Assert.Contains(matches, m => m is { Parameter: "Map", ParameterSet: "Map", Kind: PipelineBindingKind.ByPropertyName });
            Assert.DoesNotContain(matches, m => m.Parameter is "Id" or "PinnedPath"); // no second set competes for an entry
        }
    }

    [Theory]
    [InlineData("Get-BpfProgram")]
    [InlineData("Get-BpfMap")]
    public void Import_BpfObject_output_pipes_into_the_inspection_cmdlets_as_Object(string cmdlet)
    {
        // BpfObject also has Name and Path properties; -Name takes no pipeline input, so the object binds whole.
        var output = M.ModuleType("PSBpf.Engine.BpfObject")!;
        var best = PipelineBinding.Best(output, M.Cmdlet(cmdlet), M);
        Assert.Equal(("Object", "Object", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));
    }

    [Fact]
    public void Every_pipeline_parameter_accepts_something()
    {
        foreach (var c in M.Cmdlets)
        {
            foreach (var p in c.Parameters.Where(p => p.Sets.Any(s => s.ValueFromPipeline || s.ValueFromPipelineByPropertyName)))
            {
                Assert.False(p.IsSwitch, $"{c.Name}: switch -{p.Name} takes pipeline input");
            }
        }
    }
    [Fact]
    public void Invoke_BpfLoad_output_pipes_into_Add_BpfAttachment_and_links_into_Remove_BpfAttachment()
    {
        // Import-BpfObject | Invoke-BpfLoad | Add-BpfAttachment: the loaded object binds whole, by value
        var obj = M.ModuleType("PSBpf.Engine.BpfObject")!;
        var best = PipelineBinding.Best(obj, M.Cmdlet("Add-BpfAttachment"), M);
        Assert.Equal(("InputObject", "Object", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));

        var program = M.ModuleType("PSBpf.Engine.BpfProgram")!;
        best = PipelineBinding.Best(program, M.Cmdlet("Add-BpfAttachment"), M);
        Assert.Equal(("Program", "Program", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));

        var link = M.ModuleType("PSBpf.Engine.BpfLink")!;
        best = PipelineBinding.Best(link, M.Cmdlet("Remove-BpfAttachment"), M);
        Assert.Equal(("InputObject", "Link", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));

        best = PipelineBinding.Best(obj, M.Cmdlet("Remove-BpfAttachment"), M);
        Assert.Equal(("Object", "Object", PipelineBindingKind.ByValue), (best!.Parameter, best.ParameterSet, best.Kind));
    }

    [Fact]
    public void Kernel_listings_pipe_into_Remove_BpfAttachment_and_Receive_BpfRingBuffer()
    {
        // Get-BpfProgram -Id 5 | Remove-BpfAttachment: a kernel program binds whole, and every link of it is detached
        var program = M.ModuleType("PSBpf.Engine.BpfProgramInfo")!;
        var best = PipelineBinding.Best(program, M.Cmdlet("Remove-BpfAttachment"), M);
        Assert.Equal(("KernelProgram", "KernelProgram", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));

        // Get-BpfMap -Name rb | Receive-BpfRingBuffer: a kernel map binds whole to -MapInfo; an object's map still to -Map
        var info = M.ModuleType("PSBpf.Engine.BpfMapInfo")!;
        best = PipelineBinding.Best(info, M.Cmdlet("Receive-BpfRingBuffer"), M);
        Assert.Equal(("MapInfo", PipelineBindingKind.ByValue, false), (best!.Parameter, best.Kind, best.NeedsCoercion));
        var map = M.ModuleType("PSBpf.Engine.BpfMap")!;
        best = PipelineBinding.Best(map, M.Cmdlet("Receive-BpfRingBuffer"), M);
        Assert.Equal(("Map", PipelineBindingKind.ByValue, false), (best!.Parameter, best.Kind, best.NeedsCoercion));
    }
}
