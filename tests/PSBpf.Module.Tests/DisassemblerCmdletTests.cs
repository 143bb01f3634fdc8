namespace PSBpf.Module.Tests;

/// <summary>Get-BpfInstruction's pipeline bindings: object programs and Get-BpfProgram's kernel programs, nothing else.</summary>
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
    public void Other_objects_with_an_Id_do_not_bind()
    {
        // a link's (or map's) Id is not a program id: binding it by property name would disassemble some other program
        Assert.Null(PipelineBinding.Best(M.ModuleType("PSBpf.Engine.BpfLinkInfo")!, M.Cmdlet("Get-BpfInstruction"), M));
        Assert.Null(PipelineBinding.Best(M.ModuleType("PSBpf.Engine.BpfMapInfo")!, M.Cmdlet("Get-BpfInstruction"), M));
    }
}
