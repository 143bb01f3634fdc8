namespace PSBpf.Module.Tests;

/// <summary>Get-BpfInstruction's pipeline bindings: object programs, Get-BpfProgram's kernel programs, and anything with an Id.</summary>
public sealed class DisassemblerCmdletTests
{
    private static ModuleMetadata M => ModuleMetadata.Instance;

    [Fact]
    public void Object_programs_bind_whole_to_Program()
    {
        var best = PipelineBinding.Best(M.ModuleType("PSBpf.Engine.BpfProgram")!, M.Cmdlet("Get-BpfInstruction"), M);
        Assert.Equal(("Program", "Program", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));
    }

    [Fact]
    public void Get_BpfProgram_kernel_output_binds_whole_to_KernelProgram()
    {
        var best = PipelineBinding.Best(M.ModuleType("PSBpf.Engine.BpfProgramInfo")!, M.Cmdlet("Get-BpfInstruction"), M);
        Assert.Equal(("KernelProgram", "KernelProgram", PipelineBindingKind.ByValue, false), (best!.Parameter, best.ParameterSet, best.Kind, best.NeedsCoercion));
    }

    [Fact]
    public void Other_objects_with_an_Id_bind_by_property_name()
    {
        // Any object's Id binds as a program id (documented under INPUTS); the model needs a module type, so a link info stands in.
        var best = PipelineBinding.Best(M.ModuleType("PSBpf.Engine.BpfLinkInfo")!, M.Cmdlet("Get-BpfInstruction"), M);
        Assert.Equal(("Id", "Id", PipelineBindingKind.ByPropertyName, "Id"), (best!.Parameter, best.ParameterSet, best.Kind, best.Property));
    }
}
