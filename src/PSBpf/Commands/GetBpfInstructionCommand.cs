using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Engine.Asm;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfInstruction: disassembles a program. An object's program (from Import-BpfObject) as its ELF holds it, in
/// llvm-objdump's syntax with labels and relocations resolved; with -Xlated, or for a program in the kernel (from
/// Get-BpfProgram, or by -Id), the instructions as the kernel translated them, in bpftool's syntax with helper and map
/// names resolved. All the work is <see cref="BpfDisassembler"/>'s.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfInstruction", DefaultParameterSetName = ProgramSet)]
[OutputType(typeof(BpfInstructionLine))]
public sealed class GetBpfInstructionCommand : InspectionCmdletBase
{
    private const string ProgramSet = "Program";
    private const string KernelProgramSet = "KernelProgram";
    private const string IdSet = "Id";

    /// <summary>A program of an object from Import-BpfObject (loaded or not).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ProgramSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfProgram Program { get; set; } = null!;

    /// <summary>A program in the kernel, as Get-BpfProgram returns it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KernelProgramSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BpfProgramInfo KernelProgram { get; set; } = null!;

    /// <summary>Kernel program ids. Not bound from piped objects' Id: a map's or link's Id would name another program.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ValidateNotNullOrEmpty]
    public uint[] Id { get; set; } = [];

    /// <summary>For an object's program: disassemble what the kernel runs (after load) instead of the ELF's instructions.</summary>
    [Parameter(ParameterSetName = ProgramSet)]
    public SwitchParameter Xlated { get; set; }

    /// <summary>Llvm (llvm-objdump's syntax) or Bpftool (bpftool's); by default Llvm for ELF instructions, Bpftool for translated ones.</summary>
    [Parameter]
    public BpfDisassemblyStyle? Style { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ProgramSet:
                Write(() => Xlated
                    ? BpfDisassembler.DisassembleXlated(Program, Style ?? BpfDisassemblyStyle.Bpftool)
                    : BpfDisassembler.Disassemble(Program, Style ?? BpfDisassemblyStyle.Llvm), Program.Name);
                break;
            case KernelProgramSet:
                Kernel(KernelProgram.Id);
                break;
            default:
                foreach (var id in Id)
                {
                    if (CancellationToken.IsCancellationRequested) return;
                    Kernel(id);
                }

                break;
        }
    }

    private void Kernel(uint id)
    {
        IReadOnlyList<BpfInstructionLine>? lines = null;
        if (Write(() => lines = BpfDisassembler.DisassembleKernelProgram(id, Style ?? BpfDisassemblyStyle.Bpftool), id) && lines is null)
        {
            WriteNotFound("program", id, "in the kernel");
        }
    }

    /// <summary>Runs the disassembly and writes its lines; false when it failed (the error is written).</summary>
    private bool Write(Func<IReadOnlyList<BpfInstructionLine>?> disassemble, object target)
    {
        IReadOnlyList<BpfInstructionLine>? lines;
        try
        {
            lines = disassemble();
        }
        catch (BpfSyscallException e) when (!e.IsPermissionDenied)
        {
            WriteBpfError(e, new BpfErrorInfo(BpfErrorIds.DisassemblyFailed, BpfErrorCategory.ReadError, $"Cannot read the instructions of program '{target}': {e.Message}"), target);
            return false;
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, target);
            return false;
        }

        if (lines is null) return true;
        foreach (var line in lines)
        {
            if (CancellationToken.IsCancellationRequested) break;
            WriteObject(line);
        }

        return true;
    }
}
